"""File helpers shared by every stage: atomic writes and the canonical table format."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only on success.

    A crash or an exception leaves no file at `path`, so neither Snakemake nor a
    later reader can mistake a half-written output for a complete one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + "".join(path.suffixes), dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual permissions
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_table(frame: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write a tab-separated table atomically; gzip when the name ends in .gz.

    The gzip header carries no file name and a zero timestamp (pandas would record the
    temporary file's name there), so that equal tables give equal bytes.
    """
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "wb") as raw:
        if path.suffix != ".gz":
            frame.to_csv(raw, sep="\t", index=False, lineterminator="\n", encoding="utf-8")
            return
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed:
            frame.to_csv(compressed, sep="\t", index=False, lineterminator="\n", encoding="utf-8")


def save_torch(obj, path: str | os.PathLike) -> None:
    """torch.save, atomically, with the same bytes for the same object.

    Given a path, torch names the records inside its zip archive after the file, here the
    temporary one; saved to a buffer they are always named `archive/`.
    """
    import torch  # only the jobs that save models pay for the import

    buffer = io.BytesIO()
    torch.save(obj, buffer)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buffer.getvalue())


def load_torch(path: str | os.PathLike, error_class: type[Exception], what: str, map_location="cpu"):
    """torch.load with weights_only=True (no pickled code is ever run); a missing, empty,
    truncated or foreign file is one `error_class` line naming the file, never torch's
    advice to set weights_only=False."""
    import torch

    path = Path(path)
    if not path.exists():
        raise error_class(f"{path}: {what} not found")
    if path.is_file() and path.stat().st_size == 0:
        raise error_class(f"{path}: empty file, not a {what}")
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as error:  # truncated, not a zip, pickled code, a folder, ...
        text = str(error).strip()
        reason = text.splitlines()[0].split(". ")[0] if text else "unreadable"
        if "weights only" in text.lower() or "weights_only" in text.lower():
            reason = "it holds objects other than tensors and plain values, which are never loaded"
        raise error_class(f"{path}: not a readable {what} ({type(error).__name__}: {reason})") from None


def read_table(path: str | os.PathLike, **kwargs) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", keep_default_na=False, na_values=[""], **kwargs)


def write_json(obj, path: str | os.PathLike) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=False) + "\n")


def read_json(path: str | os.PathLike):
    return json.loads(Path(path).read_text())


NPZ_COMPRESSLEVEL = 1


def save_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Write arrays as a deflate-compressed .npz (readable by np.load), atomically.

    Hand-written instead of np.savez_compressed for two reasons: numpy's fixed level 6 is
    several times slower than level 1 on a 100,000 x 200 nt one-hot set, for a smaller file
    (record: speed.npz.level6_seconds, speed.npz.level1_seconds, speed.npz.level6_mb,
    speed.npz.level1_mb), and its entries carry the current time, so equal arrays did not
    give equal bytes.
    """
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=NPZ_COMPRESSLEVEL) as archive:
            for name, array in arrays.items():
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                # The attribute is `_compresslevel` up to Python 3.12, `compress_level` after.
                setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel",
                        NPZ_COMPRESSLEVEL)
                with archive.open(info, "w", force_zip64=True) as handle:
                    np.lib.format.write_array(handle, np.asanyarray(array), allow_pickle=False)
