"""results/{run}/manifest.json: what produced a run, so it can be traced and redone."""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import platform
import subprocess
import sys
from pathlib import Path

from seqattr import installed_version


PACKAGES = ("seqattr", "torch", "snakemake", "snakemake-executor-plugin-slurm", "numpy", "scipy", "pandas",
            "matplotlib", "biopython", "genomic-benchmarks", "captum", "logomaker", "tqdm", "PyYAML")


def sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def git_state(folder: str | Path) -> dict:
    """Commit and dirtiness of the workflow's checkout; nulls outside a git checkout."""
    def git(*args):
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout
    try:
        commit = git("rev-parse", "HEAD").strip()
        dirty = bool(git("status", "--porcelain", "--untracked-files=no").strip())
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": dirty}


def package_versions() -> dict:
    versions = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def device_info() -> dict:
    import torch

    gpus = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if torch.cuda.is_available() else []
    return {"platform": platform.platform(), "cpu": cpu_model(), "gpus": gpus,
            "device": gpus[0] if gpus else "cpu"}


def config_changes(old: dict, new: dict, prefix: str = "") -> list[str]:
    """Dotted keys whose values differ between two configs (added and removed keys too)."""
    changes = []
    for key in sorted(set(old) | set(new), key=str):
        name = f"{prefix}{key}"
        if isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            changes.extend(config_changes(old[key], new[key], name + "."))
        elif old.get(key, "<absent>") != new.get(key, "<absent>"):
            changes.append(name)
    return changes


def read_previous(path: str | Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def build_manifest(config: dict, inputs: list[str], outputs: list[str], workflow_dir: str | Path,
                   previous: dict | None = None) -> dict:
    """The manifest's content; `previous` is the manifest this run replaces, if any."""
    config = json.loads(json.dumps(config))  # plain JSON types, a private copy
    manifest = {
        "run": config.get("run"),
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "version": installed_version(),
        # the Snakefile's folder: a local checkout (whose git state follows) or the URL a
        # module was read from
        "workflow_source": str(workflow_dir),
        "git": git_state(workflow_dir),
        "versions": package_versions(),
        "machine": device_info(),
        "config": config,
        "inputs": {str(path): sha256(path) for path in sorted(set(map(str, inputs)))},
        "outputs": {str(path): sha256(path) for path in sorted(set(map(str, outputs)))},
    }
    if previous is not None and "config" in previous:
        manifest["changed_since_previous"] = {
            "previous_created": previous.get("created"),
            "config_keys": config_changes(previous["config"], config),
            "outputs": sorted(path for path, digest in manifest["outputs"].items()
                              if previous.get("outputs", {}).get(path) != digest),
        }
    return manifest
