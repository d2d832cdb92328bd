"""A throwaway one-node Slurm cluster on this machine, for the Slurm tests and measurements.

Debian's packages (slurm-wlm, slurmdbd, munge, mariadb-server; `.ci/run` installs them):
munged, MariaDB, slurmdbd (so `sacct` works as on a real cluster), slurmctld and slurmd
all run in the foreground from one temporary folder, with their own sockets, ports on
127.0.0.1 and configuration (SLURM_CONF), so nothing of the machine's own setup is used
or changed. `OneNodeSlurm.stop()` cancels what is left in the queue and ends exactly the
processes `start()` started.

Run a command against such a cluster (what the cluster measurement in docs/results.md used):

    .venv/bin/python tests/slurm_cluster.py -- .venv/bin/snakemake --profile profiles/slurm ...
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Daemons and clients the cluster needs, by Debian package.
PROGRAMS = {
    "munge": ["munged"],
    "mariadb-server": ["mariadbd", "mariadb-install-db", "mariadb"],
    "slurmdbd": ["slurmdbd"],
    "slurm-wlm": ["slurmctld", "slurmd", "sbatch", "sacct", "sacctmgr", "sinfo", "scancel", "srun"],
}
CLUSTER = "seqattr"
ACCOUNT = "seqattr"
# Two partitions on the one node: `main` is the default, `seqattr` is only used when a
# profile asks for it (so a job's partition shows whether the profile's key took effect).
DEFAULT_PARTITION = "main"
OTHER_PARTITION = "seqattr"


class SlurmUnavailable(RuntimeError):
    """Slurm cannot be stood up here; the message says why."""


def missing_programs() -> list[str]:
    return [f"{name} ({package})" for package, names in PROGRAMS.items() for name in names if not _which(name)]


def _which(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise SlurmUnavailable(f"{what} did not come up within {timeout:.0f} s. {tail}")


class OneNodeSlurm:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.env = dict(os.environ)
        self.logs = []

    # --- configuration ---------------------------------------------------------------

    def _write_configs(self) -> None:
        r = self.root
        for folder in ("munge", "db", "state", "spool", "log"):
            (r / folder).mkdir(parents=True, exist_ok=True)
        os.chmod(r / "munge", 0o700)
        self.munge_socket = r / "munge" / "munge.socket"
        key = r / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        os.chmod(key, 0o400)
        self.db_socket = r / "db.sock"
        self.db_port, self.dbd_port = _free_port(), _free_port()
        self.ctld_port, self.slurmd_port = _free_port(), _free_port()

        node = subprocess.run([_which("slurmd"), "-C"], capture_output=True, text=True, check=True).stdout
        fields = dict(item.split("=", 1) for item in node.split() if "=" in item)
        self.node = fields["NodeName"]
        self.cpus = int(fields["CPUs"])
        # Leave room for the daemons and the Snakemake process driving the run.
        self.memory_mb = int(int(fields["RealMemory"]) * 0.85)
        auth = f"AuthType=auth/munge\nAuthInfo=socket={self.munge_socket}\n"

        dbd = r / "slurmdbd.conf"
        dbd.write_text(
            auth
            + f"DbdHost=localhost\nDbdAddr=127.0.0.1\nDbdPort={self.dbd_port}\nSlurmUser=root\n"
            + f"PidFile={r}/slurmdbd.pid\nLogFile={r}/log/slurmdbd.log\n"
            + "StorageType=accounting_storage/mysql\n"
            + f"StorageHost=127.0.0.1\nStoragePort={self.db_port}\n"
            + "StorageUser=slurm\nStoragePass=slurm\nStorageLoc=slurm_acct_db\n"
        )
        os.chmod(dbd, 0o600)
        self.slurm_conf = r / "slurm.conf"
        self.slurm_conf.write_text(
            auth
            + f"ClusterName={CLUSTER}\nSlurmctldHost={self.node}(127.0.0.1)\n"
            + f"SlurmctldPort={self.ctld_port}\nSlurmdPort={self.slurmd_port}\n"
            + "SlurmUser=root\nSlurmdUser=root\nCredType=cred/munge\nMpiDefault=none\n"
            + f"StateSaveLocation={r}/state\nSlurmdSpoolDir={r}/spool\n"
            + f"SlurmctldPidFile={r}/slurmctld.pid\nSlurmdPidFile={r}/slurmd.pid\n"
            + f"SlurmctldLogFile={r}/log/slurmctld.log\nSlurmdLogFile={r}/log/slurmd.log\n"
            + "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
            + "JobAcctGatherType=jobacct_gather/linux\nJobAcctGatherFrequency=task=5\n"
            + "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core_Memory\n"
            + "SchedulerType=sched/backfill\nReturnToService=2\nKillWait=5\nMinJobAge=300\n"
            + "AccountingStorageType=accounting_storage/slurmdbd\nAccountingStorageHost=localhost\n"
            + f"AccountingStoragePort={self.dbd_port}\nAccountingStorageEnforce=associations\n"
            # for accounting_storage/slurmdbd this is the munge socket to talk to slurmdbd with
            + f"AccountingStoragePass={self.munge_socket}\n"
            + f"NodeName={self.node} NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={self.memory_mb} State=UNKNOWN\n"
            + f"PartitionName={DEFAULT_PARTITION} Nodes={self.node} Default=YES MaxTime=INFINITE State=UP\n"
            + f"PartitionName={OTHER_PARTITION} Nodes={self.node} MaxTime=INFINITE State=UP\n"
        )
        self.env["SLURM_CONF"] = str(self.slurm_conf)
        # Snakemake's job step (snakemake-executor-plugin-slurm-jobstep) drops every SLURM_*
        # variable, SLURM_CONF included, before it calls srun inside a job, and srun would
        # then look for /etc/slurm/slurm.conf. So jobs find an srun first on PATH that puts
        # this cluster's SLURM_CONF back (nothing outside this folder is touched).
        bin_dir = r / "bin"
        bin_dir.mkdir(exist_ok=True)
        wrapper = bin_dir / "srun"
        wrapper.write_text(f'#!/bin/sh\nSLURM_CONF="{self.slurm_conf}" exec "{_which("srun")}" "$@"\n')
        os.chmod(wrapper, 0o755)
        self.env["PATH"] = f"{bin_dir}{os.pathsep}{self.env.get('PATH', '')}"

    # --- processes -------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.root / "log" / f"{name}.out", "w")
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env or self.env, start_new_session=True
        )
        self.processes.append((name, process))
        self.logs.append(log)
        return process

    def _alive(self, name: str) -> None:
        for label, process in self.processes:
            if label == name and process.poll() is not None:
                out = (self.root / "log" / f"{name}.out").read_text(errors="replace")[-2000:]
                raise SlurmUnavailable(f"{name} exited with status {process.returncode}: {out}")

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        """A Slurm client command (sacct, sacctmgr, ...) against this cluster."""
        result = subprocess.run(command, capture_output=True, text=True, env=self.env, timeout=60)
        if check and result.returncode != 0:
            raise SlurmUnavailable(f"{' '.join(command)} failed: {result.stderr.strip()}")
        return result

    def _sql(self, statement: str) -> None:
        subprocess.run(
            [_which("mariadb"), "--no-defaults", f"--socket={self.db_socket}", "-uroot", "-e", statement],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def start(self) -> "OneNodeSlurm":
        if os.geteuid() != 0:
            raise SlurmUnavailable("slurmd must run as root to start jobs; these tests run as a normal user")
        missing = missing_programs()
        if missing:
            raise SlurmUnavailable("not installed: " + ", ".join(missing))
        try:
            self._start()
        except SlurmUnavailable:
            self.stop()
            raise
        except (OSError, subprocess.SubprocessError, KeyError, ValueError) as error:
            self.stop()
            raise SlurmUnavailable(f"{type(error).__name__}: {error}") from None
        return self

    def _start(self) -> None:
        self._write_configs()
        r = self.root
        self._spawn(
            "munged",
            [
                _which("munged"),
                "--foreground",
                "--force",
                f"--socket={self.munge_socket}",
                f"--key-file={r}/munge/munge.key",
                f"--pid-file={r}/munge/munged.pid",
                f"--log-file={r}/log/munged.log",
                f"--seed-file={r}/munge/munged.seed",
            ],
        )
        _wait(self.munge_socket.exists, 20, "munged", r / "log" / "munged.out")

        subprocess.run(
            [
                _which("mariadb-install-db"),
                "--no-defaults",
                f"--datadir={r}/db",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        self._spawn(
            "mariadbd",
            [
                _which("mariadbd"),
                "--no-defaults",
                f"--datadir={r}/db",
                f"--socket={self.db_socket}",
                f"--port={self.db_port}",
                "--bind-address=127.0.0.1",
                "--user=root",
                f"--pid-file={r}/mariadbd.pid",
                "--innodb-buffer-pool-size=64M",
                "--innodb-log-file-size=48M",
                "--innodb-lock-wait-timeout=900",
            ],
        )
        _wait(self.db_socket.exists, 60, "MariaDB", r / "log" / "mariadbd.out")
        self._alive("mariadbd")
        for host in ("localhost", "127.0.0.1"):
            self._sql(f"CREATE USER 'slurm'@'{host}' IDENTIFIED BY 'slurm'")
            self._sql(f"GRANT ALL ON slurm_acct_db.* TO 'slurm'@'{host}'")

        self._spawn("slurmdbd", [_which("slurmdbd"), "-D"])
        _wait(lambda: self.run("sacctmgr", "-n", "list", "cluster", check=False).returncode == 0, 60, "slurmdbd",
              r / "log" / "slurmdbd.log")
        self.run("sacctmgr", "-i", "add", "cluster", CLUSTER)
        self.run("sacctmgr", "-i", "add", "account", ACCOUNT, f"Cluster={CLUSTER}", "Description=tests",
                 "Organization=seqattr")
        self.run("sacctmgr", "-i", "add", "user", "root", f"Account={ACCOUNT}", f"Cluster={CLUSTER}")

        self._spawn("slurmctld", [_which("slurmctld"), "-D", "-i"])
        _wait(lambda: self.run("sinfo", "-h", check=False).returncode == 0, 60, "slurmctld", r / "log" / "slurmctld.log")
        self._spawn("slurmd", [_which("slurmd"), "-D", "-N", self.node])
        _wait(self._node_idle, 60, "slurmd", r / "log" / "slurmd.log")

    def _node_idle(self) -> bool:
        self._alive("slurmd")
        state = self.run("sinfo", "-h", "-N", "-o", "%t", check=False).stdout.split()
        return bool(state) and all(s.startswith("idle") for s in state)

    def stop(self) -> None:
        """Cancel the queue, then end the daemons this object started (newest first)."""
        if any(name == "slurmctld" and p.poll() is None for name, p in self.processes):
            self.run("scancel", "--full", "--user", "root", check=False)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.run("squeue", "-h", check=False).stdout.strip():
                time.sleep(0.5)
        for name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
        self.processes.clear()
        for log in self.logs:
            log.close()
        self.logs.clear()

    def __enter__(self) -> "OneNodeSlurm":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    with tempfile.TemporaryDirectory(prefix="slurm-") as root:
        with OneNodeSlurm(Path(root)) as cluster:
            print(f"one-node Slurm up: SLURM_CONF={cluster.slurm_conf}", file=sys.stderr)
            return subprocess.run(command, env=cluster.env).returncode if command else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
