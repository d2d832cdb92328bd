import hashlib
import json
import tomllib

import pytest

from conftest import REPO, snakemake
from seqattr.manifest.provenance import build_manifest, config_changes, git_state, sha256


def test_config_changes_lists_dotted_keys():
    old = {"run": "x", "a": {"b": 1, "c": [1, 2]}, "gone": 1}
    new = {"run": "x", "a": {"b": 2, "c": [1, 2]}, "added": {"d": 1}}
    assert config_changes(old, new) == ["a.b", "added", "gone"]
    assert config_changes(new, new) == []


def project_version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def test_manifest_hashes_files_and_records_changes(tmp_path):
    data = tmp_path / "in.txt"
    data.write_text("ACGT\n")
    out = tmp_path / "out.tsv"
    out.write_text("x\n")
    first = build_manifest({"run": "r", "k": 1}, [str(data)], [str(out)], tmp_path)
    assert first["inputs"][str(data)] == hashlib.sha256(b"ACGT\n").hexdigest() == sha256(data)
    assert first["outputs"][str(out)] == sha256(out)
    assert first["versions"]["torch"].startswith("2.14.1")
    assert first["machine"]["device"] == "cpu" or first["machine"]["gpus"]
    assert first["git"] == {"commit": None, "dirty": None}  # tmp_path is no checkout
    assert first["version"] == first["versions"]["seqattr"] == project_version()
    assert first["workflow_source"] == str(tmp_path)
    assert "changed_since_previous" not in first
    out.write_text("y\n")
    second = build_manifest({"run": "r", "k": 2}, [str(data)], [str(out)], tmp_path, previous=first)
    assert second["changed_since_previous"]["config_keys"] == ["k"]
    assert second["changed_since_previous"]["outputs"] == [str(out)]
    json.dumps(second)  # serialisable as is


def test_git_state_of_this_checkout():
    state = git_state(REPO)
    if state["commit"] is None:
        pytest.skip("not a git checkout")
    assert len(state["commit"]) == 40 and isinstance(state["dirty"], bool)


@pytest.mark.workflow
def test_test_run_manifest(test_run):
    manifest = json.loads((test_run / "manifest.json").read_text())
    assert manifest["run"] == "test"
    assert manifest["config"]["datasets"]["synthetic_tiny"]["synthetic"]["n_train"] == 600
    outputs = manifest["outputs"]
    assert "results/test/encoded/synthetic_tiny/train.npz" in outputs
    for path, digest in outputs.items():
        assert sha256(test_run.parent.parent / path) == digest


@pytest.mark.workflow
def test_changed_parameter_reruns_exactly_the_affected_jobs(test_run):
    workdir = test_run.parent.parent
    unchanged = snakemake("-n", "--configfile", str(REPO / "config" / "test.yaml"), workdir=workdir)
    assert "Nothing to be done" in unchanged.stdout
    changed = snakemake("-n", "--configfile", str(REPO / "config" / "test.yaml"), "--config",
                        'encoding={"crop": "left"}', workdir=workdir)
    stats = changed.stdout.split("Job stats:")[1].split("Reasons:")[0]
    assert "one_hot_encode" in stats and "manifest" in stats
    assert "generate_synthetic_dataset" not in stats
    assert "changed keys: encoding.crop" in changed.stderr + changed.stdout
