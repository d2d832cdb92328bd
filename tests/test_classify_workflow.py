"""The classify stage's wiring, checked with Snakemake dry runs (no training)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")


def dry_run(tmp_path, config_text: str):
    config = tmp_path / "run.yaml"
    config.write_text(config_text)
    command = [str(SNAKEMAKE if SNAKEMAKE.exists() else shutil.which("snakemake")), "-n", "--cores", "2",
               "--configfile", str(config), "--directory", str(tmp_path), "--snakefile", str(REPO / "Snakefile")]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO)


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
    assert re.search(r"classify.mask_ratios: 1.0 is outside \[0, 1\)", result.stderr + result.stdout)
