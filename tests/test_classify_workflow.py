"""The classify stage's wiring, checked with Snakemake dry runs (no training)."""

import re

import pytest

from conftest import snakemake


def dry_run(tmp_path, config_text: str):
    config = tmp_path / "run.yaml"
    config.write_text(config_text)
    return snakemake("-n", "--configfile", str(config), workdir=tmp_path, check=False)


BASE = """
run: wiring
datasets:
  toy:
    source: synthetic
    length: 60
    synthetic:
      n_train: 200
      n_test: 50
      length: 60
      classes:
        - {name: a, gc: 0.4, cpg_ratio: 0.5, motifs: [ACGTACGT]}
        - {name: b, gc: 0.4, cpg_ratio: 0.5, motifs: [TTGGCCAA]}
saliency:
  n_eval: 50  # the default (3,000) is larger than this test split, a config error
"""


@pytest.mark.workflow
def test_dry_run_trains_every_model_ratio_and_seed(tmp_path):
    result = dry_run(tmp_path, BASE + """
classify:
  mask_ratios: [0, 0.05, 0.2]
  seeds: [0, 1]
  batch_size: 32
""")
    assert result.returncode == 0, result.stderr + result.stdout
    outputs = set(re.findall(r"results/wiring/models/toy/\S+\.pt", result.stdout))
    expected = {f"results/wiring/models/toy/{m}_r{r}_s{s}.pt" for s in (0, 1)
                for m, r in [("cnn", "0"), ("attngen", "0"), ("attngen", "0.05"), ("attngen", "0.2")]}
    assert outputs == expected
    assert "results/wiring/metrics/classification.tsv" in result.stdout


@pytest.mark.workflow
def test_bad_classify_config_fails_before_any_job(tmp_path):
    # (the other config checks are unit-tested in test_training.py; one dry run each is slow)
    result = dry_run(tmp_path, BASE + "classify:\n  mask_ratios: [0, 1.0]\n")
    assert result.returncode != 0
    assert re.search(r"config key classify.mask_ratios.1: 1.0 is greater than or equal to the maximum of 1",
                     result.stderr + result.stdout)


@pytest.mark.workflow
def test_test_run_trains_evaluates_and_plots(test_run):
    from seqattr.classify.evaluation import METRIC_COLUMNS
    from seqattr.io import read_table
    from seqattr.classify.models import load_checkpoint
    from seqattr.classify.engine import HISTORY_FILE_COLUMNS

    table = read_table(test_run / "metrics" / "classification.tsv", dtype={"mask_ratio": str})
    assert list(table.columns) == METRIC_COLUMNS
    runs = [("cnn", "0"), ("attngen", "0.2")]
    assert sorted(set(zip(table["model"], table["mask_ratio"]))) == sorted(runs)
    assert sorted(set(table["split"])) == ["test", "val"]
    assert table["accuracy"].between(0, 1).all() and (table.loc[table["split"] == "test", "n"] == 200).all()
    for model, ratio in runs:
        stem = test_run / "models" / "synthetic_tiny" / f"{model}_r{ratio}_s0"
        assert list(read_table(f"{stem}.history.tsv").columns) == HISTORY_FILE_COLUMNS
        assert read_table(f"{stem}.timing.tsv", dtype={"epoch": str})["epoch"].iloc[-1] == "all"
        assert load_checkpoint(f"{stem}.pt").input_length == 60
    for name in ("learning_curves", "accuracy_vs_ratio"):
        for suffix in ("png", "pdf"):
            assert (test_run / "figures" / "classification" / f"{name}.{suffix}").stat().st_size > 0
