"""Two live snakemake processes on one results folder: the second is refused with the
message that another run holds the lock (issue 26, part 6), not Snakemake's advice to use
--rerun-incomplete, and the first run goes on."""

import contextlib
import os
import random
import signal
import subprocess
import time

import pytest
import yaml

from conftest import REPO, SNAKEMAKE


def command(workdir, config, target):
    return [str(SNAKEMAKE), "-s", str(REPO / "workflow" / "Snakefile"), "-d", str(workdir), "--cores", "1", target,
            "--configfile", str(config)]


@pytest.mark.workflow
def test_second_run_on_a_running_results_folder_is_told_another_run_holds_the_lock(tmp_path):
    rng = random.Random(0)
    fasta = tmp_path / "set.fa"
    fasta.write_text("".join(f">s{i}\n{''.join(rng.choice('ACDEFGHIKLMNPQRSTVWY') for _ in range(8))}\n"
                             for i in range(30)))
    # The first run's training job runs until it is killed: no epoch cap or patience ends it.
    config = {"run": "locktest", "generative": {
        "sets": {"mine": {"source": "fasta", "path": str(fasta)}}, "model": {"hidden_size": 4},
        "training": {"max_epochs": 10**7, "patience": 10**7, "device": "cpu"}}}
    config_path = tmp_path / "lock.yaml"
    config_path.write_text(yaml.safe_dump(config))
    target = "results/locktest/generative/mine/replicate1/trained.pt"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    first = subprocess.Popen(command(tmp_path, config_path, target), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
    try:
        locks = tmp_path / ".snakemake" / "locks"
        deadline = time.monotonic() + 60
        while not list(locks.glob("*.output.lock")) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert first.poll() is None, f"the first run ended early:\n{first.communicate()[0][-3000:]}"
        lock = sorted(locks.glob("*.output.lock"))[0]
        second = subprocess.run(command(tmp_path, config_path, target), capture_output=True, text=True, env=env,
                                timeout=120)
        assert first.poll() is None, "the first run must still be alive while the second is refused"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
        first.communicate()
    output = second.stdout + second.stderr
    assert second.returncode != 0
    relative = os.path.relpath(lock, tmp_path)
    assert (f"another snakemake run holds the lock on results/locktest/ ({relative}): wait for it to finish. If no "
            f"run is alive (it was killed), remove the stale lock with `snakemake --unlock` and rerun with "
            f"--rerun-incomplete") in output, output[-3000:]
    assert "IncompleteFilesException" not in output and "Building DAG" not in output
