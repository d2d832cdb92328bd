"""AttnGen vs the CNN (classify/comparison.py) and the deletion summary
(saliency/deletion.py): the paper's claims as numbers, checked on hand-made tables."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from seqattr.classify.comparison import (COMPARISON_COLUMNS, comparison_table, correct_matrix, paired_bootstrap,
                                         seed_paired_p)
from seqattr.saliency.deletion import DELETION_COLUMNS, deletion_area, deletion_summary

N = 200


def predictions(correct: np.ndarray) -> pd.DataFrame:
    labels = np.arange(len(correct)) % 2
    return pd.DataFrame({"id": [f"s{i}" for i in range(len(correct))], "label": labels,
                         "predicted": np.where(correct, labels, 1 - labels), "probability": 0.9})


def test_paired_bootstrap_interval_covers_the_difference_and_excludes_zero():
    rng = np.random.default_rng(0)
    better = rng.random((3, N)) < 0.9
    worse = rng.random((3, N)) < 0.6
    difference, low, high = paired_bootstrap(better, worse, seed=1, n_resamples=2000)
    assert difference == pytest.approx(better.mean() - worse.mean())
    assert 0 < low < difference < high
    assert paired_bootstrap(better, better) == (0.0, 0.0, 0.0)


def test_paired_bootstrap_is_seeded():
    rng = np.random.default_rng(2)
    a, b = rng.random((2, N)) < 0.7, rng.random((2, N)) < 0.7
    assert paired_bootstrap(a, b, seed=3, n_resamples=500) == paired_bootstrap(a, b, seed=3, n_resamples=500)


def test_correct_matrix_refuses_tables_of_other_sequences():
    first = predictions(np.ones(4, bool))
    other = first.assign(id=["x", "y", "z", "w"])
    assert correct_matrix([first, first]).shape == (2, 4)
    with pytest.raises(ValueError, match="different test sequences"):
        correct_matrix([first, other])


def test_seed_paired_p_is_scipys_paired_t_test_on_common_seeds():
    a = pd.Series([0.80, 0.82, 0.85, 0.9], index=[0, 1, 2, 3])
    b = pd.Series([0.78, 0.81, 0.80], index=[0, 1, 2])
    assert seed_paired_p(a, b) == pytest.approx(stats.ttest_rel(a[[0, 1, 2]], b).pvalue)
    assert np.isnan(seed_paired_p(a[[0]], b[[0]]))


def metrics_rows(model, ratio, seed, val, test, best_epoch, epochs, early):
    base = {"dataset": "d", "model": model, "mask_ratio": ratio, "seed": seed, "f1": 0.5, "auroc": 0.5,
            "epochs": epochs, "best_epoch": best_epoch, "stopped_early": early}
    return [{**base, "split": "val", "accuracy": val, "n": 50}, {**base, "split": "test", "accuracy": test, "n": N}]


def test_comparison_table_pairs_each_model_with_the_cnn():
    rng = np.random.default_rng(4)
    correct = {("cnn", "0"): [rng.random(N) < 0.7 for _ in range(3)],
               ("attngen", "0.1"): [rng.random(N) < 0.8 for _ in range(3)]}
    rows, preds = [], {}
    for (model, ratio), per_seed in correct.items():
        for seed, right in enumerate(per_seed):
            early = not (model == "cnn" and seed == 2)
            rows += metrics_rows(model, ratio, seed, 0.7 + 0.01 * seed, right.mean(), 4 + seed, 10, early)
            preds[("d", model, ratio, seed)] = predictions(right)
    metrics = pd.DataFrame(rows)
    table = comparison_table(metrics, preds, seed=0)
    assert list(table.columns) == COMPARISON_COLUMNS
    assert table[["model", "mask_ratio"]].values.tolist() == [["cnn", "0"], ["attngen", "0.1"]]
    attngen = table.iloc[1]
    mine, theirs = np.mean(correct[("attngen", "0.1")]), np.mean(correct[("cnn", "0")])
    assert attngen["difference_vs_cnn"] == pytest.approx(mine - theirs, abs=1e-6)
    assert attngen["difference_ci_low"] < attngen["difference_vs_cnn"] < attngen["difference_ci_high"]
    accuracy = [c.mean() for c in correct[("attngen", "0.1")]]
    assert attngen["test_accuracy_mean"] == pytest.approx(np.mean(accuracy), abs=1e-6)
    assert attngen["test_accuracy_sd"] == pytest.approx(np.std(accuracy, ddof=1), abs=1e-6)
    assert attngen["p_seed_paired"] == pytest.approx(
        stats.ttest_rel(accuracy, [c.mean() for c in correct[("cnn", "0")]]).pvalue, abs=1e-6)
    assert table["stopped_early"].tolist() == [2, 3]
    assert attngen["best_epoch_mean"] == 5 and attngen["best_epoch_sd"] == 1
    assert attngen["val_accuracy_sd"] == pytest.approx(0.01, abs=1e-6)
    assert table.iloc[0]["difference_vs_cnn"] == 0


def perturbation_rows(seed, method, curves):
    """curves: order -> accuracy at fractions 0, 0.1, 0.2, 0.5."""
    return [{"dataset": "d", "model": "attngen", "mask_ratio": 0.1, "seed": seed, "method": method, "order": order,
             "stopped_early": seed == 0,
             "fraction": fraction, "accuracy": accuracy, "n": 100}
            for order, values in curves.items() for fraction, accuracy in zip((0, 0.1, 0.2, 0.5), values)]


def test_deletion_area_is_the_mean_accuracy_along_the_curve():
    assert deletion_area(np.array([0, 0.5, 1.0]), np.array([1.0, 0.5, 0.0])) == pytest.approx(0.5)
    assert deletion_area(np.array([0.5, 0, 0.1]), np.array([0.6, 0.9, 0.8])) == pytest.approx(
        (0.1 * 0.85 + 0.4 * 0.7) / 0.5)
    with pytest.raises(ValueError, match="two different fractions"):
        deletion_area(np.array([0.2]), np.array([0.5]))


def test_deletion_summary_costs_ratio_and_share_to_chance():
    table = pd.DataFrame(perturbation_rows(0, "attention", {"top": (0.9, 0.7, 0.6, 0.5), "random": (0.9, 0.88, 0.85, 0.7),
                                                            "bottom": (0.9, 0.9, 0.89, 0.8)})
                         + perturbation_rows(1, "attention", {"top": (0.8, 0.6, 0.5, 0.5),
                                                              "random": (0.8, 0.79, 0.75, 0.6),
                                                              "bottom": (0.8, 0.8, 0.8, 0.7)}))
    summary = deletion_summary(table, 0.2, {"d": 0.5})
    assert list(summary.columns) == DELETION_COLUMNS and len(summary) == 1
    row = summary.iloc[0]
    assert row["seeds"] == 2 and row["stopped_early"] == 1 and row["intact_mean"] == pytest.approx(0.85)
    assert row["top_mean"] == pytest.approx(0.55) and row["top_sd"] == pytest.approx(np.std([0.6, 0.5], ddof=1), abs=1e-6)
    assert row["cost_top"] == pytest.approx(0.30) and row["cost_random"] == pytest.approx(0.05)
    assert row["top_over_random"] == pytest.approx(6.0, abs=1e-5)
    assert row["share_to_chance"] == pytest.approx(0.30 / 0.35, abs=1e-6)
    top_areas = [deletion_area(np.array([0, 0.1, 0.2, 0.5]), np.array(v)) for v in ((0.9, 0.7, 0.6, 0.5),
                                                                                 (0.8, 0.6, 0.5, 0.5))]
    assert row["auc_top_mean"] == pytest.approx(np.mean(top_areas), abs=1e-6)
    with pytest.raises(ValueError, match="needs 0 and 0.3"):
        deletion_summary(table, 0.3, {"d": 0.5})
