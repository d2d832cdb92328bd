"""The saliency stage's file steps and its config checks, on small known-answer models."""

import copy

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import REPO
from seqattr.config import ConfigError, check_config
from seqattr.encoding import EncodedSet, save_encoded
from seqattr.io import read_table, write_json, write_table
from seqattr.saliency import stage
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
    monkeypatch.setattr(stage, "load_classifier", lambda path, threads=1: WindowModel(10, 18))
    return tmp_path


def saliency_files(folder, methods=("attention", "ig", "grad_x_input")):
    paths = {}
    for method in methods:
        paths[method] = folder / f"attngen_r0.1_s0.{method}.npz"
        stage.compute_saliency("model.pt", folder / "test.npz", paths[method], method, n_eval=50, eval_seed=1,
                               ig_steps=8)
    return paths


def test_saliency_files_hold_the_evaluation_sample(planted):
    paths = saliency_files(planted)
    data = stage.read_saliency(paths["ig"])
    assert set(data) == {"ids", "index", "labels", "predictions", "targets", "scores", "delta"}
    assert data["scores"].shape == (50, 40) and data["scores"].dtype == np.float32
    assert data["ids"].tolist() == [f"test_{i:03d}" for i in data["index"]]
    assert (data["predictions"] == data["labels"]).all()
    assert np.abs(data["scores"][:, :10]).max() == 0 and (data["scores"][:, 10:18] > 0).all()
    again = planted / "again.npz"
    stage.compute_saliency("model.pt", planted / "test.npz", again, "ig", n_eval=50, eval_seed=1, ig_steps=8)
    assert again.read_bytes() == paths["ig"].read_bytes()  # deterministic bytes on rerun
    with pytest.raises(Exception, match="n_eval is 61 but the test split has only 60"):
        stage.compute_saliency("model.pt", planted / "test.npz", planted / "x.npz", "ig", n_eval=61, eval_seed=1)
    assert not (planted / "x.npz").exists()


def test_perturbation_table_recovery_and_figures(planted):
    paths = saliency_files(planted)
    table_path = planted / "perturbation" / "attngen_r0.1_s0.tsv"
    stage.perturbation_table("model.pt", planted / "test.npz", {m: str(p) for m, p in paths.items()}, table_path,
                             fractions=[0, 0.1, 0.2, 0.5], removal="zero", eval_seed=0, dataset="tiny",
                             model="attngen", mask_ratio="0.1", seed="0")
    table = read_table(table_path)
    assert list(table.columns) == stage.PERTURBATION_COLUMNS
    assert len(table) == 3 * 3 * 4
    top = table[(table["order"] == "top") & (table["fraction"] == 0.2)]
    assert (top["accuracy"] <= 0.6).all()  # 8 of 40 positions = the whole window
    assert (table[table["order"] == "bottom"]["accuracy"] == 1.0).all()

    summary = planted / "perturbation.tsv"
    stage.perturbation_summary([table_path], {"tiny": str(planted / "test.npz")}, 50, 1, summary,
                               planted / "perturbation.png")
    assert read_table(summary).equals(table)
    assert (planted / "perturbation.png").stat().st_size > 0 and (planted / "perturbation.pdf").exists()

    entries = [dict(dataset="tiny", model="attngen", mask_ratio="0.1", seed="0", method=m) for m in paths]
    recovery = stage.motif_recovery_table(entries, list(paths.values()), {"tiny": planted / "motifs.tsv.gz"},
                                          planted / "motif_recovery.tsv")
    assert list(recovery.columns) == stage.RECOVERY_COLUMNS
    assert (recovery["auroc_mean"] == 1.0).all() and (recovery["n"] == 50).all()
    stage.motif_recovery(entries, list(paths.values()), {"tiny": planted / "motifs.tsv.gz"},
                         planted / "motif_recovery.tsv", planted / "motif_recovery.png")
    run = dict(dataset="tiny", model="attngen", mask_ratio="0.1", seed="0")
    stage.saliency_figures([run], entries, list(paths.values()), {"tiny": planted / "test.npz"},
                           {"tiny": planted / "classes.json"}, {"tiny": planted / "motifs.tsv.gz"},
                           [planted / "logos.png"], [planted / "heatmap.png"], width=20)
    for name in ("motif_recovery", "logos", "heatmap"):
        assert (planted / f"{name}.png").stat().st_size > 0 and (planted / f"{name}.pdf").exists()


@pytest.fixture
def demo_config():
    """config/config.yaml with the schema's defaults filled in, as the Snakefile sees it."""
    from snakemake.utils import validate

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    validate(config, str(REPO / "config" / "schema.yaml"))
    return config


@pytest.mark.parametrize("change, message", [
    (lambda s: s["methods"].update(cnn=["attention", "ig"]), "saliency.methods.cnn: 'attention' needs a model"),
    (lambda s: s["methods"].update(attngen=["shap"]), "saliency.methods.attngen: unknown method 'shap'"),
    (lambda s: s.update(fractions=[0, 1.5]), "saliency.fractions: 1.5 is outside [0, 1]"),
    (lambda s: s.update(removal="shuffle"), "saliency.removal: 'shuffle' is not one of zero, random_base"),
    (lambda s: s.update(n_eval=5001), "saliency.n_eval: 5001 is larger than the test split of synthetic_human_worm"),
])
def test_bad_saliency_config_is_one_clear_error(demo_config, change, message):
    check_config(demo_config)
    bad = copy.deepcopy(demo_config)
    change(bad["saliency"])
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        check_config(bad)
