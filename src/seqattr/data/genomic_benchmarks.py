"""Genomic Benchmarks datasets (Grešová et al. 2023), fetched with the package's own API."""

from __future__ import annotations

import socket
from pathlib import Path

import pandas as pd

from seqattr import InputError
from seqattr.data.canonical import LabelledSplits, check_classes, check_split, labelled_frame

DOWNLOAD_TIMEOUT_S = 15


def is_cached(folder: Path) -> bool:
    return (folder / "train").is_dir() and (folder / "test").is_dir()


def download(name: str, cache_dir: Path) -> Path:
    """The dataset folder in `cache_dir`, downloading it only when it is not there yet.

    The package's cloud-cache download deletes an existing copy first, so a cached copy
    is used as it is and the package is called only when none exists.
    """
    folder = cache_dir / name
    if is_cached(folder):
        return folder
    from genomic_benchmarks.loc2seq import download_dataset

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)  # fail in seconds, not minutes, when offline
    try:
        download_dataset(name, dest_path=cache_dir)
    except Exception as error:  # the package raises URLError, OSError, HTTP errors, ...
        raise InputError(
            f"genomic-benchmarks dataset {name!r}: not in the cache folder {folder} and the download failed "
            f"({type(error).__name__}: {error}). Without network, copy the dataset's folder "
            f"(train/<class>/*.txt, test/<class>/*.txt) to {folder}, or set the dataset's 'cache_dir' "
            f"to the folder that holds '{name}/', or use source: local with the sequences as FASTA/TSV."
        ) from None
    finally:
        socket.setdefaulttimeout(previous)
    if not is_cached(folder):
        raise InputError(f"genomic-benchmarks dataset {name!r}: download finished but {folder} has no train/ and test/")
    return folder


def read_split_folder(folder: Path) -> pd.DataFrame:
    """The package's layout: `<split>/<class>/<id>.txt`, one sequence per file."""
    ids, labels, sequences = [], [], []
    for class_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        files = sorted(class_dir.glob("*.txt"))
        if not files:
            raise InputError(f"{class_dir}: class {class_dir.name!r} has no sequences")
        for path in files:
            ids.append(f"{class_dir.name}_{path.stem}")
            labels.append(class_dir.name)
            sequences.append(path.read_text().strip())
    return labelled_frame(ids, labels, sequences)


def load(cfg: dict) -> LabelledSplits:
    folder = download(cfg["name"], Path(cfg["cache_dir"]).expanduser())
    train = read_split_folder(folder / "train")
    test = read_split_folder(folder / "test")
    check_split(train, str(folder / "train"))
    check_split(test, str(folder / "test"))
    classes = check_classes(train, test, cfg.get("classes"), str(folder))
    return LabelledSplits(train, test, classes)
