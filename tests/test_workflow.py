"""The workflow as users run it: dry runs of every config, config errors, the test run."""

import gzip
import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import LOCAL_RULES, REPO, job_counts, shared_data_dir, snakemake
from seqattr.data.encoding import load_encoded

CONFIGS = sorted((REPO / "config").glob("*.yaml"))
NEEDS_SHARED_DATA = {"absolut.yaml", "mason.yaml", "enhancers.yaml", "beam.yaml"}  # their default tables live in ../shared/data
# Configs with generative/gama sections validate once the GAMA core's rules are in.


def with_shared_data_paths(config, folder):
    """A copy of `config` in `folder` whose ../shared/data paths name shared_data_dir()."""
    def absolute(path):
        return str(shared_data_dir() / path.removeprefix("../shared/data/")) if path.startswith("../shared/data/") else path

    settings = yaml.safe_load(config.read_text())
    for key in ("absolut_table", "mason_table"):
        if settings.get(key):
            settings[key] = absolute(settings[key])
    for generative_set in (settings.get("generative") or {}).get("sets", {}).values():
        for part in (generative_set, generative_set.get("negatives") or {}):
            if isinstance(part.get("path"), str):
                part["path"] = absolute(part["path"])
    for dataset in settings.get("datasets", {}).values():
        local = dataset.get("local", {})
        for split in ("train", "test"):
            if isinstance(local.get(split), str):
                local[split] = absolute(local[split])
    copy = folder / config.name
    copy.write_text(yaml.safe_dump(settings))
    return copy


@pytest.mark.workflow
@pytest.mark.parametrize("config", CONFIGS, ids=[path.name for path in CONFIGS])
def test_dry_run_of_every_config(config, tmp_path):
    if config.name in NEEDS_SHARED_DATA and not shared_data_dir().is_dir():
        pytest.skip(f"{config.name} reads ../shared/data, not present at {shared_data_dir()}")
    if config.name in NEEDS_SHARED_DATA:
        # A config's data paths are relative to the working directory (the project root
        # for `make run`); this dry run works elsewhere, so it names the tables absolutely.
        config = with_shared_data_paths(config, tmp_path)
    result = snakemake("-n", "--configfile", str(config), workdir=tmp_path)
    assert "Job stats" in result.stdout or "Nothing to be done" in result.stdout


@pytest.mark.workflow
@pytest.mark.parametrize(
    "override, message",
    [
        ('encoding={"crop": "middle"}', "config key encoding.crop: 'middle' is not one of ['centre', 'left', 'none']"),
        ("run=../elsewhere", "config key run: '../elsewhere' does not match"),
        ("run=a..b", "config key run: 'a..b' is not allowed"),
        ('encoding={"pad": 1}', "('pad' was unexpected); allowed keys: crop, ambiguous"),
        ('generative={"sets": {"bad": {"source": "mason"}}}', "generative.sets.bad.path"),
        ('gama={"modes": ["fast"]}', "config key gama.modes.0"),
    ],
)
def test_config_errors_name_the_key_and_what_is_allowed(override, message, tmp_path):
    result = snakemake("-n", "--configfile", str(REPO / "config" / "test.yaml"), "--config", override,
                       workdir=tmp_path, check=False)
    assert result.returncode != 0
    assert message in result.stderr + result.stdout


@pytest.mark.workflow
def test_test_run_writes_the_canonical_data(test_run):
    data = test_run / "data" / "synthetic_tiny"
    train = pd.read_csv(data / "train.tsv.gz", sep="\t")
    test = pd.read_csv(data / "test.tsv.gz", sep="\t")
    assert list(train.columns) == ["id", "label", "sequence"]
    assert (len(train), len(test)) == (600, 200)
    assert json.loads((data / "classes.json").read_text()) == ["human_like", "worm_like"]
    motifs = pd.read_csv(data / "motifs.tsv.gz", sep="\t")
    assert list(motifs.columns) == ["id", "start", "end", "motif", "class"]
    assert set(motifs["id"]) <= set(train["id"]) | set(test["id"])
    with gzip.open(data / "train.tsv.gz", "rb") as handle:
        assert handle.read(40).startswith(b"id\tlabel\tsequence\n")


@pytest.mark.workflow
def test_test_run_encodes_both_splits(test_run):
    data = test_run / "data" / "synthetic_tiny"
    classes = json.loads((data / "classes.json").read_text())
    for split, n in (("train", 600), ("test", 200)):
        encoded = load_encoded(test_run / "encoded" / "synthetic_tiny" / f"{split}.npz")
        frame = pd.read_csv(data / f"{split}.tsv.gz", sep="\t")
        assert encoded.onehot.shape == (n, 4, 60) and encoded.onehot.dtype == np.uint8
        assert encoded.ids.tolist() == frame["id"].tolist()
        assert encoded.labels.tolist() == [classes.index(label) for label in frame["label"]]
        first = "".join("ACGT"[i] for i in encoded.onehot[0].argmax(axis=0))
        assert first == frame["sequence"][0]


@pytest.mark.workflow
def test_report_contains_every_figure(test_run, tmp_path):
    """`snakemake --report` builds, and every figure the run made is registered in it."""
    workdir = test_run.parent.parent
    report = tmp_path / "report.html"
    snakemake("--configfile", str(REPO / "config" / "test.yaml"), "--report", str(report), workdir=workdir)
    html = report.read_text()
    figures = sorted(test_run.glob("figures/**/*.png"))
    assert figures, "the test run made no figures"
    missing = [str(path.relative_to(test_run)) for path in figures if path.name not in html]
    assert not missing, f"figures not in the report: {missing}"
    for category in ("Data",):
        assert category in html


@pytest.mark.workflow
def test_slurm_profile_dry_run(tmp_path):
    """`--profile profiles/slurm` alone sets the run (no workflow profile overrides it); the
    test config's jobs go out as 5 grouped submissions, each job with its memory and time."""
    result = snakemake("-n", "--profile", str(REPO / "profiles" / "slurm"), "--configfile",
                       str(REPO / "config" / "test.yaml"), workdir=tmp_path)
    assert "Job stats" in result.stdout and "one_hot_encode" in result.stdout
    assert "Using profile" in result.stderr and "workflow specific profile" not in result.stderr
    top_level = re.findall(r"^(?:\[[^]]*\] )?(?:Group job (\w+) |rule (\w+):)", result.stdout, re.M)
    submitted = sorted(group or rule for group, rule in top_level if group or rule not in LOCAL_RULES | {"all"})
    assert submitted == ["classifier", "classifier", "dataset", "gama_grid_experiment", "generative"]
    resources = re.findall(r"^ +resources: (.*)$", result.stdout, re.M)
    sized = [line for line in resources if re.search(r"\bmem_mb=\d+", line) and re.search(r"\bruntime=\d+", line)]
    counts = job_counts(result.stdout)
    assert len(sized) == sum(n for rule, n in counts.items() if rule not in LOCAL_RULES | {"all"}) > 0


@pytest.mark.workflow
def test_failing_job_logs_its_error_and_leaves_no_output(tmp_path):
    (tmp_path / "train.fa").write_text(">a1 label=x\nACGT\n>b1 label=y\nACZT\n")
    (tmp_path / "test.fa").write_text(">a2 label=x\nACGT\n>b2 label=y\nACGT\n")
    config = tmp_path / "bad.yaml"
    config.write_text(
        "run: bad\n"
        "datasets:\n"
        "  broken:\n"
        "    source: local\n"
        f"    local: {{train: {tmp_path / 'train.fa'}, test: {tmp_path / 'test.fa'}}}\n"
    )
    result = snakemake("--configfile", str(config), workdir=tmp_path, check=False)
    assert result.returncode != 0
    log = (tmp_path / "results" / "bad" / "logs" / "data" / "broken.prepare.log").read_text()
    assert "train.fa: record 'b1', position 3: invalid character 'Z'" in log
    assert not (tmp_path / "results" / "bad" / "data" / "broken").exists() or not any(
        (tmp_path / "results" / "bad" / "data" / "broken").iterdir())
