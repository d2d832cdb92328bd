"""seqattr deployed the way the workflow catalogue deploys it: another workflow's folder whose
Snakefile says `module seqattr: snakefile: <URL of workflow/Snakefile>`. A copy of this
checkout's tracked files, without src/, is served over HTTP on 127.0.0.1; the library comes
from the installed package (`pip install -e .` in the venv), not from a src/ beside the
Snakefile. Bad input: a config that misses a required key, or a source that cannot be read,
stops Snakemake at parse time with one line naming the key or the address."""

import importlib.metadata
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import yaml

from conftest import REPO, SNAKEMAKE, job_counts
from test_module import OUTER_SNAKEFILE  # the user's module block, as the local module test writes it


SERVER_START_SECONDS = 20
RUN_SECONDS = 1800


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_tracked_files_without_src(destination):
    """The checkout as a clone sees it (tracked and new unignored files), src/ left out."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    for name in listed:
        source = REPO / name
        if name.startswith("src/") or not source.is_file():
            continue
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination / name)


@pytest.fixture(scope="module")
def served_checkout(tmp_path_factory):
    """The base URL of the copy, served by `python -m http.server` until the module's tests end."""
    folder = tmp_path_factory.mktemp("served_checkout")
    copy_tracked_files_without_src(folder)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"], cwd=folder,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                urllib.request.urlopen(f"{url}/workflow/Snakefile", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def outer_workflow(folder, snakefile_url, config) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Snakefile").write_text(OUTER_SNAKEFILE.format(snakefile=snakefile_url))
    (folder / "config.yaml").write_text(yaml.safe_dump(config))


def snakemake_in(folder, *args, timeout=RUN_SECONDS) -> subprocess.CompletedProcess:
    return subprocess.run([str(SNAKEMAKE), "--cores", "2", *args], cwd=folder, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONHASHSEED": "0"})


def config_test_yaml() -> dict:
    """config/test.yaml as a dict."""
    return yaml.safe_load((REPO / "config" / "test.yaml").read_text())


def error_lines(result) -> list[str]:
    """Snakemake's error: the line after its "WorkflowError in file ..." header."""
    lines = (result.stdout + result.stderr).splitlines()
    return [lines[i + 1] for i, line in enumerate(lines[:-1]) if line.startswith("WorkflowError")]


@pytest.mark.workflow
def test_the_test_config_runs_to_the_end_through_a_module_served_over_http(served_checkout, tmp_path):
    outer = tmp_path / "outer"
    outer_workflow(outer, f"{served_checkout}/workflow/Snakefile", config_test_yaml())
    result = snakemake_in(outer)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    log = result.stdout + result.stderr
    counts = job_counts(log)
    for rule in ("seqattr_train", "seqattr_saliency", "seqattr_gama", "seqattr_report_tables", "seqattr_manifest"):
        assert counts.get(rule), rule
    manifest = json.loads((outer / "results" / "test" / "manifest.json").read_text())
    assert manifest["outputs"] and all((outer / path).is_file() for path in manifest["outputs"])
    # the served folder has no src/: parsing and every rule script imported the installed package
    assert manifest["workflow_source"] == f"{served_checkout}/workflow"
    assert manifest["version"] == importlib.metadata.version("seqattr")


@pytest.mark.workflow
def test_a_module_config_missing_a_required_key_is_one_line_naming_it(served_checkout, tmp_path):
    config = config_test_yaml()
    del config["run"]
    outer_workflow(tmp_path, f"{served_checkout}/workflow/Snakefile", config)
    result = snakemake_in(tmp_path, "-n", timeout=300)
    assert result.returncode != 0
    [line] = error_lines(result)
    assert line.startswith("config key (top level): 'run' is a required property"), line


@pytest.mark.workflow
@pytest.mark.parametrize("path", ["nothere/Snakefile", "workflow/Snakefile"])
def test_a_module_source_that_cannot_be_read_is_one_line_naming_the_address(served_checkout, path, tmp_path):
    """A missing file on a live server (404), and a server that is not there."""
    url = f"{served_checkout}/{path}" if path.startswith("nothere") else f"http://127.0.0.1:{free_port()}/{path}"
    outer_workflow(tmp_path, url, config_test_yaml())
    result = snakemake_in(tmp_path, "-n", timeout=300)
    assert result.returncode != 0
    [line] = error_lines(result)
    assert line == f"Failed to open source file {url}", line
