"""The CNN + Integrated Gradients truth for binders vs non-binders (seqattr.gama_validation.supervised,
truth `cnn_ig` of seqattr.gama_validation.negatives)."""

import logging

import numpy as np
import pandas as pd
import pytest

from seqattr.gama_validation.negatives import compare, one_hot, truth_tables
from seqattr.gama_validation.supervised import CnnOptions, ColumnCNN, column_importance
from seqattr.generative.alphabet import AMINO_ACIDS
from seqattr.io import read_table, write_table

# Small and quick; epochs high enough that a learnable set reaches its plateau.
FAST = {"epochs": 40, "patience": 3, "channels": 8, "batch_size": 64, "learning_rate": 0.01, "max_attributed": 200,
        "ig_steps": 8}


def random_set(rng, n, length=8, planted=None):
    """Uniform residues; `planted` = (column 0-based, residue) fixed in every sequence."""
    rows = ["".join(rng.choice(list(AMINO_ACIDS), size=length)) for _ in range(n)]
    if planted:
        column, residue = planted
        rows = [r[:column] + residue + r[column + 1:] for r in rows]
    return rows


def planted_pair(seed=0, n=400):
    rng = np.random.default_rng(seed)
    return random_set(rng, n, planted=(5, "W")), random_set(rng, n)


def test_cnn_ig_ranks_the_planted_column_first_and_reports_its_convergence():
    binders, non_binders = planted_pair()
    per_column, _ = truth_tables(binders, non_binders, imgt=False, draws=0, cnn=FAST)
    assert per_column["cnn_ig"].idxmax() == 5
    others = per_column.drop(index=5)["cnn_ig"]
    assert per_column.loc[5, "cnn_ig"] > 3 * others.max()
    info = per_column.iloc[0]
    assert info["cnn_ig_converged"] and info["cnn_ig_criterion"] == "plateau" and info["cnn_ig_val_auroc"] > 0.9
    assert 0 < info["cnn_ig_best_epoch"] < info["cnn_ig_epochs"] <= FAST["epochs"]
    assert per_column["cnn_ig_val_auroc"].nunique() == 1


def test_shuffled_labels_do_not_converge_and_give_no_rho(caplog):
    binders, non_binders = planted_pair(n=2000)
    pooled = np.array(binders + non_binders)
    np.random.default_rng(1).shuffle(pooled)
    with caplog.at_level(logging.WARNING, logger="seqattr.gama_validation.supervised"):
        per_column, _ = truth_tables(pooled[:2000], pooled[2000:], imgt=False, draws=0, cnn=FAST)
    assert not per_column["cnn_ig_converged"].any() and per_column["cnn_ig"].isna().all()
    assert per_column["cnn_ig_val_auroc"].iloc[0] <= 0.55
    assert "cnn_ig truth not converged" in caplog.text and "AUROC" in caplog.text
    profile = pd.DataFrame({"metric": "gama", "position": range(1, 9), "importance": np.arange(8.0)})
    result = compare(profile, None, per_column, "position", ["metric"], draws=200).set_index("truth")
    assert not result.loc["cnn_ig", "truth_converged"] and result.loc["kl", "truth_converged"]
    assert np.isnan(result.loc["cnn_ig", "spearman_rho"]) and np.isnan(result.loc["cnn_ig", "top4_overlap"])
    assert result.loc["cnn_ig", "n_columns"] == 0


def test_a_model_stopped_by_the_epoch_cap_is_not_converged_even_when_it_separates(caplog):
    # two epochs, patience 3: the held-out loss cannot reach a plateau
    binders, non_binders = planted_pair()
    with caplog.at_level(logging.WARNING, logger="seqattr.gama_validation.supervised"):
        per_column, _ = truth_tables(binders, non_binders, imgt=False, draws=0, cnn={**FAST, "epochs": 2})
    assert per_column["cnn_ig_val_auroc"].iloc[0] > 0.9 and per_column["cnn_ig_epochs"].iloc[0] == 2
    assert not per_column["cnn_ig_converged"].iloc[0] and per_column["cnn_ig"].isna().all()
    assert "still improved at the epoch cap" in caplog.text


def test_mixed_lengths_on_imgt_columns():
    rng = np.random.default_rng(2)
    # binders of 12 and 13 residues start with W (IMGT 105 for every length); non-binders
    # also have 14, whose insertion 112.1 no binder has
    binders = random_set(rng, 250, 12, (0, "W")) + random_set(rng, 250, 13, (0, "W"))
    non_binders = random_set(rng, 250, 12) + random_set(rng, 250, 14)
    per_column, _ = truth_tables(binders, non_binders, imgt=True, draws=0, cnn=FAST)
    table = per_column.set_index("column")
    assert table["cnn_ig_converged"].all() and table["cnn_ig"].idxmax() == "105"
    assert table.loc["112.1", "n_binders"] == 0 and np.isnan(table.loc["112.1", "cnn_ig"])
    assert table.drop(index="112.1")["cnn_ig"].notna().all()


def test_a_column_averages_only_the_binders_that_have_a_residue_there():
    rng = np.random.default_rng(3)
    labels = ["1", "2", "3", "4"]
    aligned = ["".join(rng.choice(list(AMINO_ACIDS), size=4)) for _ in range(20)]
    aligned = [row[:2] + "-" + row[3] if i % 2 else row for i, row in enumerate(aligned)]  # column 3 in half
    x = one_hot(aligned, len(labels))
    import torch

    torch.manual_seed(0)
    model = ColumnCNN(len(labels), channels=4, kernel_size=3)
    every = column_importance(model, x, ig_steps=8)
    present = column_importance(model, x[::2], ig_steps=8)
    assert every[2] == pytest.approx(present[2], rel=1e-5)
    assert every[0] != pytest.approx(present[0], rel=1e-3)  # the other columns average all 20


def test_same_seed_same_truth_other_seed_other_model():
    binders, non_binders = planted_pair(n=300)
    first, _ = truth_tables(binders, non_binders, imgt=False, draws=0, cnn=FAST)
    again, _ = truth_tables(binders, non_binders, imgt=False, draws=0, cnn=FAST)
    other, _ = truth_tables(binders, non_binders, imgt=False, draws=0, cnn={**FAST, "seed": 1})
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["cnn_ig"], other["cnn_ig"])


def test_off_or_absent_gives_the_two_other_truths_only():
    binders, non_binders = planted_pair(n=100)
    for cnn in (None, {"enabled": False}):
        per_column, _ = truth_tables(binders, non_binders, imgt=False, draws=0, cnn=cnn)
        assert not [c for c in per_column.columns if c.startswith("cnn_ig")]
        profile = pd.DataFrame({"metric": "gama", "position": range(1, 9), "importance": np.arange(8.0)})
        assert set(compare(profile, None, per_column, "position", ["metric"], draws=200)["truth"]) == {"kl",
                                                                                                        "logistic"}


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        CnnOptions(kernel_size=4)
    with pytest.raises(ValueError, match="unknown keys"):
        CnnOptions.from_dict({"epoch": 3})


def test_vs_negatives_step_reports_the_cnn_truth(tmp_path):
    from seqattr.gama_validation.steps import vs_negatives

    binders, non_binders = planted_pair()
    write_table(pd.DataFrame({"id": range(len(binders)), "sequence": binders}), tmp_path / "b.tsv.gz")
    write_table(pd.DataFrame({"id": range(len(non_binders)), "sequence": non_binders}), tmp_path / "n.tsv.gz")
    rows = [{"mode": "exact", "readout": "log_prob", "metric": "gama", "reduction": "input", "position": p,
             "importance": float(p == 6) + 0.01 * p, "criterion": "plateau", "converged": True} for p in range(1, 9)]
    write_table(pd.DataFrame(rows), tmp_path / "profile.tsv")
    out = {k: tmp_path / k for k in ("vs.tsv", "truth.tsv", "res.tsv", "f.png", "f.pdf")}
    vs_negatives(tmp_path / "b.tsv.gz", tmp_path / "n.tsv.gz", tmp_path / "profile.tsv", out["vs.tsv"],
                 out["truth.tsv"], out["res.tsv"], out["f.png"], out["f.pdf"], set_name="toy", bootstrap=0,
                 draws=500, cnn=FAST)
    table = read_table(out["vs.tsv"]).set_index("truth")
    assert list(table.index) == ["kl", "logistic", "cnn_ig"] and table.loc["cnn_ig", "truth_converged"]
    assert table.loc["cnn_ig", "top4_overlap"] >= 1 and table.loc["cnn_ig", "n_columns"] == 8
    truth = read_table(out["truth.tsv"])
    assert {"cnn_ig", "cnn_ig_val_auroc", "cnn_ig_converged"} <= set(truth.columns)
    assert out["f.png"].stat().st_size > 10_000
