"""Glue for the rule entry scripts: logging to the rule's log file."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
from pathlib import Path


@contextlib.contextmanager
def logged(log_path: str | Path):
    """Send logging, stdout, stderr (tqdm bars included) and any traceback to `log_path`.

    A failing job ends with exit status 1 after its traceback is written to the log and
    one line (the error and where the log is) to the terminal: Snakemake shows the
    script's stderr, and a re-raised exception would print the whole traceback there too.
    A log that cannot be created or written (no space, no permission) is one line too.
    """
    log_path = Path(log_path)
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(log_path, "w", buffering=1)
    except OSError as error:
        print(f"{type(error).__name__}: cannot create the job's log {log_path} ({error.strerror or error})",
              file=sys.__stderr__)
        raise SystemExit(1) from None
    try:
        handler = logging.StreamHandler(handle)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        try:
            with contextlib.redirect_stdout(handle), contextlib.redirect_stderr(handle):
                yield logging.getLogger("seqattr")
        except Exception as error:
            try:
                handle.write(traceback.format_exc())
                handle.flush()
                where = f"full log: {log_path}"
            except OSError as write_error:
                where = f"the traceback could not be written to {log_path}: {write_error.strerror or write_error}"
            print(f"{type(error).__name__}: {error} ({where})", file=sys.__stderr__)
            raise SystemExit(1) from None
        finally:
            root.removeHandler(handler)
    finally:
        with contextlib.suppress(OSError):  # a full disk fails the close's flush too
            handle.close()


def results_lock_holder(results: str | Path, workdir: str | Path = ".") -> str | None:
    """The Snakemake lock file (`.snakemake/locks/N.output.lock` under `workdir`) that
    claims an output inside the folder `results`, or None.

    Snakemake checks a second run's incomplete files before its locks, so a run started
    on a folder that a live run is writing would be told to use --rerun-incomplete, the
    wrong advice while the first run is alive; the Snakefile asks this first.
    """
    folder = os.path.abspath(os.path.join(workdir, results)) + os.sep
    for lock in sorted(Path(workdir, ".snakemake", "locks").glob("*.output.lock")):
        try:
            lines = lock.read_text().splitlines()
        except OSError:
            continue
        if any(os.path.abspath(os.path.join(workdir, line.strip())).startswith(folder) for line in lines if line.strip()):
            return str(lock)
    return None


def lock_message(results: str, lock: str) -> str:
    return (f"another snakemake run holds the lock on {results}/ ({lock}): wait for it to finish. If no run is "
            f"alive (it was killed), remove the stale lock with `snakemake --unlock` and rerun with "
            f"--rerun-incomplete")


# Snakemake options under which a call runs no job (or takes no lock), read from the
# command line: at the time the Snakefile is parsed Snakemake has not yet said.
NO_LOCK_OPTIONS = {"--unlock", "--nolock", "--lint", "--dry-run", "--dryrun", "--report", "--list-rules",
                   "--list-target-rules", "--summary", "--detailed-summary", "--dag", "--rulegraph",
                   "--filegraph", "--list-changes", "--cleanup-metadata", "--containerize", "--touch"}


def takes_lock(argv: list[str]) -> bool:
    """Whether a `snakemake` command line executes jobs under Snakemake's lock."""
    for word in argv[1:]:
        if word.split("=")[0] in NO_LOCK_OPTIONS:
            return False
        if word.startswith("-") and not word.startswith("--") and word[1:].isalpha() and any(
                flag in word[1:] for flag in "nlStD"):
            return False  # -n, -np, -l, -S, -t, -D
    return True
