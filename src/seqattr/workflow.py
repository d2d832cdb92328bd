"""Glue for the rule entry scripts: logging to the rule's log file."""

from __future__ import annotations

import contextlib
import logging
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
