"""config/test.yaml through `--profile profiles/slurm` on a real one-node Slurm.

Stands up munged, MariaDB, slurmdbd, slurmctld and slurmd from a temporary folder
(tests/slurm_cluster.py; Debian's slurm-wlm, slurmdbd, munge and mariadb-server, which
`.ci/run` installs), and skips, saying why, where they are missing or cannot start. Run it
alone with `.venv/bin/python -m pytest -m slurm`.
"""

import gzip
import re
import subprocess
import time
from pathlib import Path

import pytest
from conftest import LOCAL_RULES, REPO, SNAKEMAKE, job_counts
from slurm_cluster import ACCOUNT, OTHER_PARTITION, OneNodeSlurm, SlurmUnavailable

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]

PROFILE = REPO / "profiles" / "slurm" / "config.yaml"
# Tables only: timing files (wall-clock seconds), benchmarks and logs differ between runs.
SKIPPED = ("benchmarks", "logs")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    try:
        slurm = OneNodeSlurm(tmp_path_factory.mktemp("slurm")).start()
    except SlurmUnavailable as reason:
        pytest.skip(f"no one-node Slurm on this machine: {reason}")
    yield slurm
    slurm.stop()


def site_profile(folder: Path) -> Path:
    """The shipped profile with its commented account and partition keys set, as a user would."""
    text = PROFILE.read_text()
    edited = text.replace("# default-resources:", "default-resources:")
    edited = edited.replace('#   - slurm_account="my_account"', f'  - slurm_account="{ACCOUNT}"')
    edited = edited.replace('#   - slurm_partition="cpu"', f'  - slurm_partition="{OTHER_PARTITION}"')
    assert edited.count(ACCOUNT) >= 2 and "default-resources:\n" in edited, "profile keys changed: update this test"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yaml").write_text(edited)
    return folder


def run_snakemake(cluster, workdir: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(SNAKEMAKE), "-s", str(REPO / "workflow" / "Snakefile"), "-d", str(workdir), "--profile", str(profile)]
    command += ["--configfile", str(REPO / "config" / "test.yaml"), "--slurm-keep-successful-logs"]
    # The one node has 2 cores: --cores caps what one submitted job may ask for.
    command += ["--cores", "2", *args]
    return subprocess.run(command, capture_output=True, text=True, env={**cluster.env, "PYTHONHASHSEED": "0"}, cwd=workdir)


def sacct(cluster, run_id: str) -> list[dict]:
    fields = ["JobID", "JobName", "Partition", "Account", "State"]
    out = cluster.run("sacct", "-X", "-P", "-n", "--name", run_id, "-o", ",".join(fields)).stdout
    return [dict(zip(fields, line.split("|"))) for line in out.splitlines() if line]


def tables(results: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(results.rglob("*.tsv*")):
        relative = path.relative_to(results)
        if relative.parts[0] in SKIPPED or path.name.removesuffix(".gz").endswith("timing.tsv"):
            continue
        data = path.read_bytes()
        found[str(relative)] = gzip.decompress(data) if path.suffix == ".gz" else data
    return found


def test_test_config_runs_through_sbatch_and_matches_a_local_run(cluster, test_run, tmp_path):
    workdir = tmp_path / "cluster"
    workdir.mkdir()
    started = time.monotonic()
    result = run_snakemake(cluster, workdir, site_profile(tmp_path / "profile"))
    wall = time.monotonic() - started
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    print(f"config/test.yaml through Slurm: {wall:.0f} s")

    # The named profile alone sets the run: no workflow profile is picked up.
    assert "Using profile" in log and "workflow specific profile" not in log

    # Every job Snakemake submitted is in Slurm's accounting, completed, with the profile's
    # account and partition (not the cluster's default partition).
    run_id = re.search(r"SLURM run ID: (\S+)", log).group(1)
    submitted = set(re.findall(r"has been submitted with SLURM jobid (\d+)", log))
    jobs = sacct(cluster, run_id)
    assert {job["JobID"] for job in jobs} == submitted
    assert all(job["State"] == "COMPLETED" for job in jobs), jobs
    assert {(job["Partition"], job["Account"]) for job in jobs} == {(OTHER_PARTITION, ACCOUNT)}
    # Grouped: one job per dataset, per classifier, per generative set, per grid experiment.
    assert len(jobs) == 5, jobs

    # Every job that is not a local rule ran inside one of those Slurm jobs: the rules the
    # Slurm jobs' logs report running are all the jobs of other rules, and Snakemake itself
    # ran local rules only.
    slurm_logs = "".join(p.read_text() for p in (workdir / ".snakemake" / "slurm_logs").rglob("*.log"))
    in_slurm = re.findall(r"^localrule (\w+):$", slurm_logs, re.M)  # the job step's own line
    assert not set(in_slurm) & LOCAL_RULES
    counts = job_counts(log)
    assert len(in_slurm) == sum(n for rule, n in counts.items() if rule not in LOCAL_RULES | {"all"}), sorted(in_slurm)
    ran_here = set(re.findall(r"^localrule (\w+):$", result.stdout + result.stderr, re.M))
    assert ran_here <= LOCAL_RULES | {"all"}, ran_here - LOCAL_RULES

    # The science is the same as a local run's.
    cluster_tables, local_tables = tables(workdir / "results" / "test"), tables(test_run)
    assert cluster_tables.keys() == local_tables.keys()
    differing = [name for name in local_tables if cluster_tables[name] != local_tables[name]]
    assert not differing, differing


def test_a_rejected_submission_is_not_retried(cluster, tmp_path):
    """sbatch refuses a job (a partition the cluster does not have); Snakemake reports it
    once and resubmits nothing."""
    refused = cluster.run("sbatch", "--partition=nosuch", "--wrap=true", check=False)
    assert refused.returncode != 0 and "invalid partition" in refused.stderr.lower(), refused.stderr

    workdir = tmp_path / "rejected"
    workdir.mkdir()
    target = "results/test/data/synthetic_tiny/classes.json"
    # (the target first: --set-resources takes every value that follows it)
    result = run_snakemake(
        cluster, workdir, REPO / "profiles" / "slurm", target, "--set-resources", "generate_synthetic_dataset:slurm_partition='nosuch'"
    )
    log = result.stdout + result.stderr
    assert result.returncode != 0
    run_id = re.search(r"SLURM run ID: (\S+)", log).group(1)
    jobs = sacct(cluster, run_id)
    assert jobs == [], jobs  # nothing reached Slurm
    # One attempt (with `--retries 2` this reads 3 and "Trying to restart job" twice).
    assert log.count("Execute 1 jobs") == 1 and "Trying to restart" not in log, log[-4000:]
