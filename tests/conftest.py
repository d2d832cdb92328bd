import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """../shared/data beside the project (overridable with SEQATTR_SHARED_DATA)."""
    return Path(os.environ.get("SEQATTR_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    folder = shared_data_dir()
    if not folder.is_dir():
        pytest.skip(f"shared test data not present at {folder}")
    return folder


SNAKEMAKE = Path(sys.executable).with_name("snakemake")

# Rules a cluster run executes where Snakemake runs (`localrule: True` in workflow/rules/*.smk): tables,
# figures and the manifest. Every other job is submitted (tests/test_slurm.py).
LOCAL_RULES = {
    "aggregate_classification",
    "plot_classification",
    "compare_classifiers",
    "perturbation_summary",
    "motif_recovery",
    "saliency_figures",
    "saliency_convergence",
    "gama_grid_summary",
    "generative_set_hygiene",
    "motif_database",
    "motif_summary",
    "report_tables",
    "manifest",
}


def job_counts(log: str) -> dict[str, int]:
    """Rule -> number of jobs, from the "Job stats" table Snakemake prints before it starts."""
    table = log[log.index("Job stats:") :]
    table = table[: table.index("total")]
    return {rule: int(count) for rule, count in re.findall(r"^(\w+)\s+(\d+)$", table, re.M)}


def snakemake(*args: str, workdir: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run the workflow of this checkout with `workdir` as its working directory."""
    command = [str(SNAKEMAKE), "-s", str(REPO / "workflow" / "Snakefile"), "-d", str(workdir), "--cores", "2", *args]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-6000:]}")
    return result


@pytest.fixture(scope="session")
def test_run(tmp_path_factory) -> Path:
    """config/test.yaml run once for the whole session; returns its results/test folder."""
    workdir = tmp_path_factory.mktemp("test_run")
    snakemake("--configfile", str(REPO / "config" / "test.yaml"), workdir=workdir)
    return workdir / "results" / "test"


@pytest.fixture
def one_thread():
    """Tiny models run fastest on one thread (and are not slowed by a busy second core)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
