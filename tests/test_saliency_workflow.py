"""The saliency stage inside the workflow: the test run's outputs and config errors."""

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import REPO, snakemake

TEST_CONFIG = yaml.safe_load((REPO / "config" / "test.yaml").read_text())


@pytest.mark.workflow
def test_test_run_writes_saliency_for_every_classifier_and_method(test_run):
    files = sorted((test_run / "saliency" / "synthetic_tiny").glob("*.npz"))
    methods = {path.name.removesuffix(".npz").rsplit(".", 1)[1] for path in files}
    assert methods == {"attention", "ig", "grad_x_input"}
    assert not [path for path in files if path.name.startswith("cnn_") and ".attention." in path.name]
    n_eval = TEST_CONFIG["saliency"]["n_eval"]
    for path in files:
        with np.load(path) as data:
            assert data["scores"].shape == (n_eval, 60) and np.isfinite(data["scores"]).all()
            assert len(data["ids"]) == n_eval


@pytest.mark.workflow
def test_test_run_writes_the_perturbation_and_recovery_tables(test_run):
    perturbation = pd.read_csv(test_run / "saliency" / "perturbation.tsv", sep="\t")
    assert list(perturbation.columns) == ["dataset", "model", "mask_ratio", "seed", "method", "order", "fraction",
                                          "accuracy", "n", "stopped_early"]
    # Whether early stopping ended each classifier's training: as its checkpoint (and the
    # metrics table) says, beside every attribution result.
    metrics = pd.read_csv(test_run / "metrics" / "classification.tsv", sep="\t")
    ended = metrics.groupby(["model", "mask_ratio"])["stopped_early"].first()
    for (model, ratio), rows in perturbation.groupby(["model", "mask_ratio"]):
        assert (rows["stopped_early"] == ended[(model, ratio)]).all(), (model, ratio)
    deletion = pd.read_csv(test_run / "saliency" / "deletion.tsv", sep="\t")
    assert len(deletion) == perturbation.groupby(["model", "mask_ratio", "method"]).ngroups
    assert (deletion["stopped_early"] == deletion["model"].map(ended.groupby("model").sum())).all()
    assert (deletion["fraction"] == 0.2).all()
    assert set(perturbation["order"]) == {"top", "random", "bottom"}
    assert sorted(perturbation["fraction"].unique()) == sorted(TEST_CONFIG["saliency"]["fractions"])
    assert perturbation["accuracy"].between(0, 1).all()
    recovery = pd.read_csv(test_run / "saliency" / "motif_recovery.tsv", sep="\t")
    assert list(recovery.columns) == ["dataset", "model", "mask_ratio", "seed", "method", "auroc_mean", "auroc_sd",
                                      "auprc_mean", "n"]
    assert recovery["auroc_mean"].between(0, 1).all() and (recovery["n"] > 0).all()
    figures = test_run / "figures" / "saliency"
    for name in ("perturbation", "motif_recovery"):
        assert (figures / f"{name}.png").stat().st_size > 0 and (figures / f"{name}.pdf").stat().st_size > 0
    assert (figures / "synthetic_tiny" / "heatmap.png").exists()
    assert list((figures / "synthetic_tiny").glob("*.logos.png"))


@pytest.mark.workflow
@pytest.mark.parametrize("change, message", [
    ({"methods": {"cnn": ["attention"]}}, "config key saliency.methods.cnn.0: 'attention' is not one of ['ig', 'grad_x_input', 'deep_lift_shap']"),
    ({"n_eval": 201}, "saliency.n_eval: 201 is larger than the test split of synthetic_tiny"),
    ({"fractions": [0.1, 2]}, "config key saliency.fractions.1: 2 is greater than the maximum of 1"),
    ({"removal": "shuffle"}, "config key saliency.removal: 'shuffle' is not one of ['zero', 'random_base']"),
    ({"methods": {"cnn": ["shap"]}}, "config key saliency.methods.cnn.0: 'shap' is not one of"),
])
def test_bad_saliency_config_stops_before_any_job(change, message, tmp_path):
    config = {**TEST_CONFIG, "saliency": {**TEST_CONFIG["saliency"], **change}}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(config))
    result = snakemake("-n", "--configfile", str(path), workdir=tmp_path, check=False)
    assert result.returncode != 0
    assert message in result.stderr + result.stdout
