"""seqattr used by another workflow as a Snakemake module (`module seqattr: snakefile: ...;
config: config; use rule * from seqattr as seqattr_*`), the way the workflow catalogue
deploys workflows: that workflow's config and working directory, this checkout's code,
schema, scripts, envs and report captions."""

import os
import random
import re
import subprocess

import pytest
import yaml

from conftest import REPO, SNAKEMAKE, job_counts
from seqattr.io import read_table

OUTER_SNAKEFILE = """\
configfile: "config.yaml"


module seqattr:
    snakefile:
        "{snakefile}"
    config:
        config


use rule * from seqattr as seqattr_*
"""

RUN = "outer"


def outer_config() -> dict:
    """config/test.yaml under another run name, plus a local dataset whose file lies in the
    outer workflow's folder and is named relative to it (its working directory)."""
    config = yaml.safe_load((REPO / "config" / "test.yaml").read_text())
    config["run"] = RUN
    config["datasets"]["mine"] = {"source": "local", "length": 60,
                                  "local": {"train": "data/mine.csv", "test_fraction": 0.5}}
    return config


def write_table_of_random_sequences(path, n=400, length=60):
    rng = random.Random(0)
    rows = [f"s{i},{'ab'[i % 2]},{''.join(rng.choice('ACGT') for _ in range(length))}" for i in range(n)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("id,label,sequence\n" + "\n".join(rows) + "\n")


@pytest.fixture(scope="module")
def outer(tmp_path_factory):
    """A folder holding another workflow: its Snakefile, its config.yaml and its data/."""
    folder = tmp_path_factory.mktemp("outer_workflow")
    (folder / "Snakefile").write_text(OUTER_SNAKEFILE.format(snakefile=REPO / "workflow" / "Snakefile"))
    (folder / "config.yaml").write_text(yaml.safe_dump(outer_config()))
    write_table_of_random_sequences(folder / "data" / "mine.csv")
    return folder


def snakemake_in(folder, *args):
    """Snakemake run as a user runs it: from the folder, with the folder's Snakefile."""
    result = subprocess.run([str(SNAKEMAKE), "--cores", "2", *args], cwd=folder, capture_output=True, text=True,
                            env={**os.environ, "PYTHONHASHSEED": "0"})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout + result.stderr


def rules_missing_from_localrules(log: str) -> list[str]:
    """The rules Snakemake names in its "localrules directive specifies rules that are not
    present" warning (rules a module renamed, which `localrules:` does not follow)."""
    match = re.search(r"localrules directive specifies rules that are not present[^\n]*\n((?:\t\w+\n)+)", log)
    return match.group(1).split() if match else []


@pytest.mark.workflow
def test_a_dry_run_of_the_outer_workflow_plans_every_stage_under_its_rule_names(outer):
    log = snakemake_in(outer, "-n")
    counts = job_counts(log)
    # the outer config, not the demo's: its run name, both of its datasets
    assert f"results/{RUN}/" in log and "results/demo/" not in log
    assert counts["seqattr_import_dataset"] == 1 and counts["seqattr_one_hot_encode"] == 2
    for rule in ("seqattr_train", "seqattr_saliency", "seqattr_gama", "seqattr_report_tables", "seqattr_manifest"):
        assert counts.get(rule), rule
    assert not rules_missing_from_localrules(log)


@pytest.mark.workflow
def test_the_outer_workflow_runs_the_data_stage_and_a_classifier_in_its_own_folder(outer):
    metrics = f"results/{RUN}/metrics/synthetic_tiny/cnn_r0_s0.tsv"
    snakemake_in(outer, metrics, f"results/{RUN}/encoded/mine/train.npz")
    results = outer / "results" / RUN
    assert not (REPO / "results" / RUN).exists()
    # the local dataset was read from the outer folder's data/mine.csv, split half and half
    train, test = read_table(results / "data" / "mine" / "train.tsv.gz"), read_table(results / "data" / "mine" / "test.tsv.gz")
    assert (len(train), len(test)) == (200, 200)
    table = read_table(outer / metrics)
    assert table["split"].tolist() == ["val", "test"] and table["epochs"].tolist() == [2, 2]
    # the schema filled the training keys the outer config leaves out
    history = read_table(results / "models" / "synthetic_tiny" / "cnn_r0_s0.history.tsv")
    assert history["epoch"].tolist() == [1, 2]


@pytest.mark.workflow
def test_without_a_configfile_the_demo_config_is_read_from_the_workflow_folder(tmp_path):
    """`-s <checkout>/Snakefile -d elsewhere` with no --configfile: the demo's config comes
    from the checkout, its outputs go to the working directory."""
    result = subprocess.run([str(SNAKEMAKE), "-s", str(REPO / "workflow" / "Snakefile"), "-d", str(tmp_path), "-n", "--cores", "1"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "results/demo/" in result.stdout
