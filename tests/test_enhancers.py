"""config/enhancers.yaml (real enhancer sequences from ../shared/data) run end to end at
tiny settings: the real split, the comparison with the CNN, the deletion summary. Skips
when the shared data is absent (a user's clone)."""

import pytest
import yaml

from conftest import REPO, snakemake
from seqattr.io import read_table

TINY = {
    "classify": {"mask_ratios": [0.1], "seeds": [0, 1], "epochs": 2, "patience": 1, "warmup_epochs": 1,
                 "batch_size": 256, "attngen": {"channels": 8, "dilations": [2]}},
    "saliency": {"n_eval": 60, "ig_steps": 4, "fractions": [0, 0.2, 0.5]},
    "motifs": {"classifiers": []},  # TF-MoDISco's first compile alone takes minutes: the demo runs the stage
}


@pytest.mark.workflow
def test_enhancer_config_at_tiny_settings(shared_data, tmp_path):
    config = yaml.safe_load((REPO / "config" / "enhancers.yaml").read_text())
    local = config["datasets"]["human_enhancers_cohn"]["local"]
    local["train"] = str(shared_data / "genomic" / "human_enhancers_cohn_test.tsv")
    for section, values in TINY.items():
        config[section].update(values)
    path = tmp_path / "enhancers_tiny.yaml"
    path.write_text(yaml.safe_dump(config))
    snakemake("--configfile", str(path), workdir=tmp_path)
    results = tmp_path / "results" / "enhancers"

    data = results / "data" / "human_enhancers_cohn"
    train, test = read_table(data / "train.tsv.gz"), read_table(data / "test.tsv.gz")
    # A seeded stratified 25%: round(0.25 x 3,474) = 868 of each class to test.
    assert (len(train), len(test)) == (5212, 1736)
    assert test["label"].value_counts().tolist() == [868, 868]

    metrics = read_table(results / "metrics" / "classification.tsv")
    assert {"best_epoch", "stopped_early"} <= set(metrics.columns) and len(metrics) == 2 * 2 * 2
    comparison = read_table(results / "metrics" / "comparison.tsv", dtype={"mask_ratio": str})
    assert comparison[["model", "mask_ratio", "seeds"]].values.tolist() == [["cnn", "0", 2], ["attngen", "0.1", 2]]
    attngen = comparison.iloc[1]
    assert attngen["difference_ci_low"] <= attngen["difference_vs_cnn"] <= attngen["difference_ci_high"]

    deletion = read_table(results / "saliency" / "deletion.tsv")
    assert sorted(map(tuple, deletion[["model", "method"]].values)) == [("attngen", "attention"), ("attngen", "ig"),
                                                                        ("cnn", "ig")]
    assert (deletion["fraction"] == 0.2).all() and (deletion["seeds"] == 2).all()
    for name in ("comparison", "accuracy_vs_ratio"):
        assert (results / "figures" / "classification" / f"{name}.png").stat().st_size > 10_000
    assert (results / "figures" / "saliency" / "deletion.png").stat().st_size > 10_000
