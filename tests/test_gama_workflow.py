"""The generative and GAMA stages inside the test run (config/test.yaml)."""

import pandas as pd
import pytest

from seqattr.errors import ConfigError
from seqattr.generative.checks import check_config as check_generative
from seqattr.generative.checkpoint import load_model

SET = "synthetic_tiny_and"


@pytest.mark.workflow
def test_test_run_writes_gama_outputs(test_run):
    generative, gama = test_run / "generative" / SET, test_run / "gama" / SET
    sequences = pd.read_csv(generative / "sequences.tsv.gz", sep="\t")
    assert list(sequences.columns[:2]) == ["id", "sequence"] and len(sequences) == 400
    truth = pd.read_csv(generative / "truth.tsv", sep="\t")
    assert truth.position.tolist() == [3, 6]
    replicate = generative / "replicate1"  # gama.replicates: 1 (the schema's default)
    history = pd.read_csv(replicate / "history.tsv", sep="\t")
    assert list(history.columns) == ["epoch", "train_nll", "val_nll", "true_val_nll", "excess_nll"]
    # the synthetic set carries each sequence's NLL under its generator; excess = model - that
    assert "true_nll" in sequences and sequences["true_nll"].between(0, 4).all()
    assert (history["excess_nll"] - (history["val_nll"] - history["true_val_nll"])).abs().max() < 1e-5
    timing = pd.read_csv(replicate / "timing.tsv", sep="\t")
    assert list(timing.columns) == ["epoch", "seconds"] and timing["epoch"].tolist() == history["epoch"].tolist()
    assert load_model(replicate / "trained.pt").hidden_size == 16
    assert load_model(replicate / "initial.pt").hidden_size == 16

    matrix = pd.read_csv(gama / "gama_matrix.tsv", sep="\t")
    assert list(matrix.columns) == ["mode", "readout", "metric", "output_pos", "input_pos", "score", "sd"]
    assert set(matrix["mode"]) == {"exact", "authors_code"}
    assert len(matrix) == 2 * 10 * 10  # L + 2 = 10 token positions
    after = matrix[matrix.input_pos > matrix.output_pos]
    assert after.score.isna().all() and matrix[matrix.input_pos <= matrix.output_pos].score.notna().any()

    own = pd.read_csv(gama / "replicate1" / "profile.tsv", sep="\t")
    assert list(own.columns) == ["mode", "readout", "metric", "reduction", "kind", "position", "importance", "rank",
                                 "replicate", "n_attributed", "criterion", "converged", "train_nll", "val_nll",
                                 "excess_nll", "nll_gap"]
    kept = history.loc[history["val_nll"].idxmin()]
    assert own["nll_gap"].iloc[0] == pytest.approx(kept["val_nll"] - kept["train_nll"], abs=1e-5)
    assert own["excess_nll"].iloc[0] == pytest.approx(kept["excess_nll"], abs=1e-6)
    assert own["val_nll"].iloc[0] == pytest.approx(kept["val_nll"], abs=1e-6)
    assert own["converged"].iloc[0] == (kept["excess_nll"] <= 0.01)  # 3 epochs of hidden 16: recorded as is
    assert (own["criterion"] == "entropy_floor").all()

    profile = pd.read_csv(gama / "profile.tsv", sep="\t")  # the summary over replicates (here one)
    assert list(profile.columns[:13]) == ["mode", "readout", "metric", "reduction", "kind", "position", "importance",
                                          "sd", "ci_low", "ci_high", "rank", "top4_replicates", "top4_bootstrap"]
    assert set(profile["kind"]) == {"gama"}  # the test config scores no baseline
    assert profile["importance"].round(6).tolist() == own["importance"].round(6).tolist()
    assert profile["sd"].isna().all() and (profile["replicates"] == 1).all()  # sd needs two replicates
    assert (profile["converged_replicates"] == f"{int(own['converged'].iloc[0])}/1").all()
    for mode, part in profile.groupby("mode"):
        assert part.position.tolist() == list(range(1, 9))
        assert sorted(part["rank"]) == list(range(1, 9))
        assert part["top4_replicates"].sum() == 4  # one replicate: 4 positions are its top 4
        assert part["top4_bootstrap"].sum() == pytest.approx(4)

    summary = pd.read_csv(generative / "sample_summary.tsv", sep="\t")
    assert {"validity", "novelty", "sample_nll"} <= set(summary.columns)
    for name in (f"gama/{SET}.heatmap", f"gama/{SET}.profile", f"generative/{SET}.logo", f"generative/{SET}.nll"):
        for ext in ("png", "pdf"):
            assert (test_run / "figures" / f"{name}.{ext}").stat().st_size > 0


def test_synthetic_positions_must_fit_the_length():
    config = {"generative": {"sets": {"bad": {"source": "synthetic", "length": 8, "positions": [3, 9],
                                              "logic": "AND", "tokens": None}}}}
    with pytest.raises(ConfigError, match=r"generative.sets.bad.positions: \[3, 9\] must lie in 1..8"):
        check_generative(config)
