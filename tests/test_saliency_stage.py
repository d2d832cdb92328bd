"""The saliency stage's file steps and its config checks, on small known-answer models."""

import copy

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from conftest import REPO
from seqattr import InputError
from seqattr.config import ConfigError, validate_config
from seqattr.data.encoding import EncodedSet, save_encoded
from seqattr.io import read_table, write_json, write_table
from seqattr.saliency import steps, summary_steps
from saliency_helpers import WindowModel


@pytest.fixture
def planted(tmp_path, monkeypatch):
    """A 60-sequence test split whose class is written in positions 10-18 (the planted
    motif), and a model that reads exactly those positions."""
    rng = np.random.default_rng(0)
    n, length = 60, 40
    codes = rng.integers(0, 4, size=(n, length))
    labels = np.arange(n) % 2
    codes[:, 10:18] = np.where(labels[:, None] == 1, 2, 1)
    onehot = (codes[:, None, :] == np.arange(4)[None, :, None]).astype(np.uint8)
    ids = np.array([f"test_{i:03d}" for i in range(n)])
    save_encoded(EncodedSet(onehot, labels.astype(np.int64), ids, np.ones((n, length), bool),
                            np.zeros((n, length), bool)), tmp_path / "test.npz")
    write_json(["human_like", "worm_like"], tmp_path / "classes.json")
    motifs = pd.DataFrame({"id": ids, "start": 10, "end": 18, "motif": "GGGGGGGG", "class": "x"})
    write_table(motifs, tmp_path / "motifs.tsv.gz")
    monkeypatch.setattr(steps, "load_classifier", lambda path, device="auto", threads=1, **expected: WindowModel(10, 18))
    monkeypatch.setattr(steps, "training_ended_early", lambda path: True)
    return tmp_path


def saliency_files(folder, methods=("attention", "ig", "grad_x_input", "deep_lift_shap")):
    paths = {}
    for method in methods:
        paths[method] = folder / f"attngen_r0.1_s0.{method}.npz"
        steps.saliency("model.pt", folder / "test.npz", folder / "classes.json", paths[method], method=method,
                       dataset="tiny", model="attngen", n_eval=50, eval_seed=1, ig_steps=8,
                       deep_lift_shap_shuffles=4)
    return paths


def test_saliency_files_hold_the_evaluation_sample(planted):
    paths = saliency_files(planted)
    data = summary_steps.read_saliency(paths["ig"])
    assert set(data) == {"ids", "index", "labels", "predictions", "targets", "scores", "delta", "hypothetical"}
    assert data["scores"].shape == (50, 40) and data["scores"].dtype == np.float32
    # IG's per-base gradients, for the motifs stage: times the one-hot input they are the scores.
    onehot = np.load(planted / "test.npz")["onehot"][data["index"]].astype(np.float32)
    np.testing.assert_allclose((data["hypothetical"] * onehot).sum(axis=1), data["scores"], rtol=1e-5, atol=1e-7)
    assert set(summary_steps.read_saliency(paths["attention"])) == {"ids", "index", "labels", "predictions", "targets",
                                                            "scores", "delta"}
    assert data["ids"].tolist() == [f"test_{i:03d}" for i in data["index"]]
    assert (data["predictions"] == data["labels"]).all()
    assert np.abs(data["scores"][:, :10]).max() == 0 and (data["scores"][:, 10:18] > 0).all()
    again = planted / "again.npz"
    steps.saliency("model.pt", planted / "test.npz", planted / "classes.json", again, method="ig", dataset="tiny",
                   model="attngen", n_eval=50, eval_seed=1, ig_steps=8)
    assert again.read_bytes() == paths["ig"].read_bytes()  # deterministic bytes on rerun
    with pytest.raises(Exception, match="n_eval is 61 but the test split has only 60"):
        steps.saliency("model.pt", planted / "test.npz", planted / "classes.json", planted / "x.npz", method="ig",
                       dataset="tiny", model="attngen", n_eval=61, eval_seed=1)
    assert not (planted / "x.npz").exists()


def test_deep_lift_shap_file_its_convergence_table_and_tolerance(planted):
    paths = saliency_files(planted, methods=("ig", "deep_lift_shap"))
    data = steps.read_saliency(paths["deep_lift_shap"])
    assert set(data) == {"ids", "index", "labels", "predictions", "targets", "scores", "delta", "hypothetical",
                         "max_pair_delta"}
    onehot = np.load(planted / "test.npz")["onehot"][data["index"]].astype(np.float32)
    np.testing.assert_allclose((data["hypothetical"] * onehot).sum(axis=1), data["scores"], rtol=1e-5, atol=1e-6)
    # The window model is linear: outside the window nothing counts, and DeepLIFT is exact.
    assert np.abs(data["scores"][:, :10]).max() == 0 and np.abs(data["scores"][:, 18:]).max() == 0
    assert data["max_pair_delta"].max() < 1e-4
    run = dict(dataset="tiny", model="attngen", mask_ratio="0.1", seed="0")
    entries = [dict(run, method=m, path=str(p)) for m, p in paths.items()]
    table = summary_steps.convergence_table(entries, planted / "convergence.tsv")
    assert list(read_table(planted / "convergence.tsv").columns) == summary_steps.CONVERGENCE_COLUMNS
    assert len(table) == 100 and table["id"].tolist()[:50] == data["ids"].tolist()
    assert table[table["method"] == "ig"]["max_pair_delta"].isna().all()
    np.testing.assert_allclose(table[table["method"] == "deep_lift_shap"]["max_pair_delta"], data["max_pair_delta"])
    # A nonlinearity written as a function has no DeepLIFT rule: treated as linear, its
    # deltas exceed the default tolerance and the job fails, writing nothing.
    steps.load_classifier = lambda path, device="auto", threads=1, **expected: FunctionalTanh(10, 18)
    with pytest.raises(InputError, match=r"^model.pt: DeepLIFT/SHAP convergence deltas of \d+ of 50 sequences "
                                         r"exceed saliency.deep_lift_shap_tolerance \(0.001\); the largest is"):
        steps.saliency("model.pt", planted / "test.npz", planted / "classes.json", planted / "x.npz",
                       method="deep_lift_shap", dataset="tiny", model="attngen", n_eval=50, eval_seed=1,
                       deep_lift_shap_shuffles=2)
    assert not (planted / "x.npz").exists()


class FunctionalTanh(WindowModel):
    def forward(self, x):
        return torch.tanh(super().forward(x) / 10)


def test_check_convergence_names_the_key_and_the_worst_sequence():
    ids = np.array(["a", "b", "c"])
    steps.check_convergence(np.array([1e-6, 2e-4, 0.0], dtype=np.float32), ids, 1e-3, "m.pt")
    with pytest.raises(InputError, match=r"^m.pt: DeepLIFT/SHAP convergence deltas of 2 of 3 sequences exceed "
                                         r"saliency.deep_lift_shap_tolerance \(0.001\); the largest is 0.5 "
                                         r"\(sequence b\)"):
        steps.check_convergence(np.array([0.01, 0.5, 0.0], dtype=np.float32), ids, 1e-3, "m.pt")
    with pytest.raises(InputError, match=r"1 of 3 sequences.*\(sequence c\)"):
        steps.check_convergence(np.array([0.0, 0.0, np.nan], dtype=np.float32), ids, 1e-3, "m.pt")


def test_perturbation_table_recovery_and_figures(planted):
    paths = saliency_files(planted)
    table_path = planted / "perturbation" / "attngen_r0.1_s0.tsv"
    run = dict(dataset="tiny", model="attngen", mask_ratio="0.1", seed="0")
    steps.perturbation("model.pt", planted / "test.npz", planted / "classes.json", table_path, saliency_files={m: str(p) for m, p in paths.items()},
                       classifier=run, fractions=[0, 0.1, 0.2, 0.5], removal="zero", eval_seed=0)
    table = read_table(table_path)
    assert list(table.columns) == steps.PERTURBATION_COLUMNS
    assert len(table) == 4 * 3 * 4
    top = table[(table["order"] == "top") & (table["fraction"] == 0.2)]
    assert (top["accuracy"] <= 0.6).all()  # 8 of 40 positions = the whole window
    assert (table[table["order"] == "bottom"]["accuracy"] == 1.0).all()

    summary = planted / "perturbation.tsv"
    summary_steps.perturbation_summary([table_path], summary, planted / "perturbation.png", planted / "perturbation.pdf",
                               planted / "deletion.tsv", planted / "deletion.png", planted / "deletion.pdf",
                               encoded_files={"tiny": str(planted / "test.npz")}, n_eval=50, eval_seed=1,
                               summary_fraction=0.2)
    assert read_table(summary).equals(table) and table["stopped_early"].all()
    for name in ("perturbation", "deletion"):
        assert (planted / f"{name}.png").stat().st_size > 0 and (planted / f"{name}.pdf").exists()
    deletion = read_table(planted / "deletion.tsv").set_index("method")
    # The window model reads positions 10-17 only: attention and IG put them on top, and
    # removing 20% (8 of 40 positions) by either takes away the whole window.
    assert (deletion["stopped_early"] == 1).all() and (deletion["top_mean"] <= 0.6).all()
    assert (deletion["cost_top"] > deletion["cost_random"]).all()

    entries = [dict(run, method=m, path=path) for m, path in paths.items()]
    recovery = summary_steps.motif_recovery_table(entries, {"tiny": planted / "motifs.tsv.gz"})
    assert list(recovery.columns) == summary_steps.RECOVERY_COLUMNS
    auroc = recovery.set_index("method")["auroc_mean"]
    assert (auroc.drop("deep_lift_shap") == 1.0).all() and (recovery["n"] == 50).all()
    # DeepLIFT/SHAP scores a window base against the references' bases there: a position
    # whose 4 shuffles all hold the same base scores 0, tied with the positions outside.
    assert auroc["deep_lift_shap"] > 0.95
    summary_steps.motif_recovery(planted / "motif_recovery.tsv", planted / "motif_recovery.png",
                         planted / "motif_recovery.pdf", saliency_files=entries,
                         motifs_files={"tiny": planted / "motifs.tsv.gz"})
    logos = [{"classifier": run, "saliency_files": paths, "png": planted / "logos.png", "pdf": planted / "logos.pdf"}]
    heatmaps = [{"dataset": "tiny", "saliency_files": entries, "png": planted / "heatmap.png",
                 "pdf": planted / "heatmap.pdf"}]
    summary_steps.saliency_figures(logos=logos, heatmaps=heatmaps, encoded_files={"tiny": planted / "test.npz"},
                           classes_files={"tiny": planted / "classes.json"},
                           motifs_files={"tiny": planted / "motifs.tsv.gz"}, width=20)
    for name in ("motif_recovery", "logos", "heatmap"):
        assert (planted / f"{name}.png").stat().st_size > 0 and (planted / f"{name}.pdf").exists()


@pytest.fixture
def demo_config():
    """config/config.yaml with the schema's defaults filled in, as the Snakefile sees it."""
    from snakemake.utils import validate

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    validate(config, str(REPO / "workflow" / "schemas" / "config.schema.yaml"))
    return config


# Enums and ranges are the schema's, checks across keys config.py's: validate_config runs
# both, as the Snakefile does, and each problem is one line naming the key.
@pytest.mark.parametrize("change, message", [
    (lambda s: s["methods"].update(cnn=["attention", "ig"]),
     "config key saliency.methods.cnn.0: 'attention' is not one of ['ig', 'grad_x_input', 'deep_lift_shap']"),
    (lambda s: s["methods"].update(attngen=["shap"]), "config key saliency.methods.attngen.0: 'shap' is not one of"),
    (lambda s: s.update(fractions=[0, 1.5]), "config key saliency.fractions.1: 1.5 is greater than the maximum of 1"),
    (lambda s: s.update(removal="shuffle"), "config key saliency.removal: 'shuffle' is not one of ['zero', 'random_base']"),
    (lambda s: s.update(n_eval=5001), "saliency.n_eval: 5001 is larger than the test split of synthetic_human_worm"),
])
def test_bad_saliency_config_is_one_clear_error(demo_config, change, message):
    validate_config(copy.deepcopy(demo_config), REPO / "workflow" / "schemas" / "config.schema.yaml")
    bad = copy.deepcopy(demo_config)
    change(bad["saliency"])
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        validate_config(bad, REPO / "workflow" / "schemas" / "config.schema.yaml")
