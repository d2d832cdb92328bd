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

    The exception is re-raised after it is written, so the job fails and its log says why.
    """
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", buffering=1) as handle:
        handler = logging.StreamHandler(handle)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        try:
            with contextlib.redirect_stdout(handle), contextlib.redirect_stderr(handle):
                yield logging.getLogger("seqattr")
        except BaseException as error:
            handle.write(traceback.format_exc())
            # One line on the terminal too: Snakemake shows the script's stderr.
            print(f"{type(error).__name__}: {error} (full log: {log_path})", file=sys.__stderr__)
            raise
        finally:
            root.removeHandler(handler)
