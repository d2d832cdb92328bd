"""AttnGen against the CNN, the paper's first two claims as one table: accuracy with a
paired test, and convergence and stability over seeds.

Accuracy. Every classifier is evaluated on the same test split, so the comparison is
paired twice: by seed (a paired t-test of the per-seed test accuracies, scipy's
`ttest_rel`; with 3 seeds it has 2 degrees of freedom and says little) and by sequence (a
bootstrap over the test sequences of the difference of the seed-averaged accuracies,
scipy's `bootstrap` with BCa, so the interval covers the test set's sampling noise for the
seeds trained). Neither covers what a new seed would do beyond the seeds' spread, which
the table shows as the SD.

Convergence and stability: epochs to the best validation loss (mean, SD over seeds),
how many seeds early stopping ended (against the epoch cap), and the SD of the
validation accuracy over seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from seqattr.classify import format_ratio

COMPARISON_COLUMNS = [
    "dataset", "model", "mask_ratio", "seeds", "test_accuracy_mean", "test_accuracy_sd", "difference_vs_cnn",
    "difference_ci_low", "difference_ci_high", "p_seed_paired", "stopped_early", "best_epoch_mean",
    "best_epoch_sd", "epochs_mean", "val_accuracy_mean", "val_accuracy_sd",
]
CONFIDENCE = 0.95
RESAMPLES = 10_000
DIGITS = 6


def correct_matrix(predictions: list[pd.DataFrame]) -> np.ndarray:
    """(seeds, sequences) bool: whether each seed's classifier got each test sequence right.
    The tables must list the same sequences in the same order."""
    first = predictions[0]["id"].to_numpy()
    for table in predictions[1:]:
        if not np.array_equal(table["id"].to_numpy(), first):
            raise ValueError("the prediction tables list different test sequences; compare runs of one dataset")
    return np.stack([(table["predicted"] == table["label"]).to_numpy() for table in predictions])


def paired_bootstrap(correct_a: np.ndarray, correct_b: np.ndarray, seed: int = 0,
                     n_resamples: int = RESAMPLES) -> tuple[float, float, float]:
    """(difference, low, high): accuracy of a minus b (each averaged over its seeds) and
    its BCa bootstrap interval, resampling test sequences (the same draw for both)."""
    per_sequence = correct_a.mean(axis=0) - correct_b.mean(axis=0)
    difference = float(per_sequence.mean())
    if np.ptp(per_sequence) == 0:  # every resample gives the same value: no interval to estimate
        return difference, difference, difference
    result = stats.bootstrap((per_sequence,), np.mean, n_resamples=n_resamples, confidence_level=CONFIDENCE,
                             method="BCa", random_state=np.random.default_rng(seed))
    return difference, float(result.confidence_interval.low), float(result.confidence_interval.high)


def seed_paired_p(accuracy_a: pd.Series, accuracy_b: pd.Series) -> float:
    """Two-sided paired t-test p over the seeds both have (NaN below 2 seeds or with no spread)."""
    common = accuracy_a.index.intersection(accuracy_b.index)
    if len(common) < 2:
        return float("nan")
    differences = accuracy_a[common] - accuracy_b[common]
    if np.ptp(differences.to_numpy()) == 0:
        return float("nan")
    return float(stats.ttest_rel(accuracy_a[common], accuracy_b[common]).pvalue)


def comparison_table(metrics: pd.DataFrame, predictions: dict[tuple, pd.DataFrame], seed: int = 0) -> pd.DataFrame:
    """One row per dataset, model and mask ratio (COMPARISON_COLUMNS).

    `metrics`: the sweep's classification table (both splits); `predictions`: each
    classifier's test predictions, keyed (dataset, model, mask_ratio, seed) with the
    ratio as its file-name string. Differences are against the CNN of the same dataset
    (NaN without one).
    """
    metrics = metrics.assign(mask_ratio=metrics["mask_ratio"].map(format_ratio))
    test = metrics[metrics["split"] == "test"].set_index(["dataset", "model", "mask_ratio", "seed"])
    val = metrics[metrics["split"] == "val"].set_index(["dataset", "model", "mask_ratio", "seed"])
    rows = []
    flat = test.reset_index()
    cnn_runs = {dataset: frame for dataset, frame in flat[flat["model"] == "cnn"].groupby("dataset")}
    for (dataset, model, ratio), frame in flat.groupby(["dataset", "model", "mask_ratio"], sort=False):
        seeds = sorted(frame["seed"])
        accuracy = frame.set_index("seed")["accuracy"]
        row = {"dataset": dataset, "model": model, "mask_ratio": ratio, "seeds": len(seeds),
               "test_accuracy_mean": accuracy.mean(), "test_accuracy_sd": accuracy.std(ddof=1),
               "stopped_early": int(frame["stopped_early"].astype(bool).sum()),
               "best_epoch_mean": frame["best_epoch"].mean(), "best_epoch_sd": frame["best_epoch"].std(ddof=1),
               "epochs_mean": frame["epochs"].mean()}
        val_accuracy = val.loc[[(dataset, model, ratio, s) for s in seeds], "accuracy"]
        row.update(val_accuracy_mean=val_accuracy.mean(), val_accuracy_sd=val_accuracy.std(ddof=1))
        cnn = cnn_runs.get(dataset)
        if cnn is not None:
            cnn_seeds = sorted(cnn["seed"])
            mine = correct_matrix([predictions[(dataset, model, ratio, s)] for s in seeds])
            theirs = correct_matrix([predictions[(dataset, "cnn", format_ratio(0), s)] for s in cnn_seeds])
            difference, low, high = paired_bootstrap(mine, theirs, seed)
            row.update(difference_vs_cnn=difference, difference_ci_low=low, difference_ci_high=high,
                       p_seed_paired=seed_paired_p(accuracy, cnn.set_index("seed")["accuracy"]))
        rows.append(row)
    table = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    table["ratio_value"] = table["mask_ratio"].astype(float)
    table = table.sort_values(["dataset", "model", "ratio_value"], key=lambda c: c.map({"cnn": 0, "attngen": 1})
                              if c.name == "model" else c, kind="stable").drop(columns="ratio_value")
    numeric = [c for c in COMPARISON_COLUMNS if c not in ("dataset", "model", "mask_ratio", "seeds", "stopped_early")]
    return table.round({c: DIGITS for c in numeric}).reset_index(drop=True)
