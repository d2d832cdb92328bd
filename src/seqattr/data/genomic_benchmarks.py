"""Genomic Benchmarks datasets (Grešová et al. 2023), fetched with the package's own API.

The cache the package writes holds the sequences, `<split>/<class>/<id>.txt`; the genome
coordinates are in the package's interval lists, `<split>/<class>.csv.gz` (columns id,
region, start, end, strand; 0-based half-open, the package slices its reference with
[start:end]). Where such a list lies beside a class folder, its rows give that class's
records their chrom (region), start, end and strand (`seqattr.data.coordinates`).
"""

from __future__ import annotations

import socket
from pathlib import Path

import pandas as pd

from seqattr import InputError
from seqattr.data.canonical import LabelledSplits, check_classes, check_split, labelled_frame
from seqattr.data.coordinates import COORDINATE_COLUMNS, check_all_or_none, checked_coordinates
from seqattr.data.local import read_delimited

INTERVAL_COLUMNS = ["id", "region", "start", "end", "strand"]

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


def interval_list(class_dir: Path) -> Path | None:
    """The class's interval list beside its folder (`<class>.csv.gz` or `<class>.csv`), if any."""
    for suffix in (".csv.gz", ".csv"):
        path = class_dir.parent / f"{class_dir.name}{suffix}"
        if path.is_file():
            return path
    return None


def read_split_folder(folder: Path) -> pd.DataFrame:
    """The package's layout: `<split>/<class>/<id>.txt`, one sequence per file, and the
    coordinates of each class whose interval list is there."""
    frames = []
    for class_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        files = sorted(class_dir.glob("*.txt"))
        if not files:
            raise InputError(f"{class_dir}: class {class_dir.name!r} has no sequences")
        frame = labelled_frame([f"{class_dir.name}_{path.stem}" for path in files], [class_dir.name] * len(files),
                               [path.read_text().strip() for path in files])
        intervals = interval_list(class_dir)
        if intervals is not None:
            frame = with_intervals(frame, [path.stem for path in files], intervals)
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    check_all_or_none(frame, str(folder))
    return frame


def with_intervals(frame: pd.DataFrame, stems: list[str], path: Path) -> pd.DataFrame:
    """The class's records with the coordinates of their rows (by id) in its interval list."""
    table = read_delimited(path, ",")
    missing = [column for column in INTERVAL_COLUMNS if column not in table.columns]
    if missing:
        raise InputError(f"{path}: missing column {missing[0]!r}; an interval list has columns "
                         f"{', '.join(INTERVAL_COLUMNS)}")
    rows = table.drop_duplicates("id").set_index("id")
    absent = [stem for stem in stems if stem not in rows.index]
    if absent:
        raise InputError(f"{path}: has no row for record {absent[0]!r} ({path.parent / path.name.split('.')[0]}/"
                         f"{absent[0]}.txt; {len(absent)} records without one)")
    located = rows.loc[stems]
    line = {}
    for number, identifier in enumerate(table["id"], start=2):
        line.setdefault(identifier, number)
    frame = frame.copy()
    frame["chrom"] = located["region"].to_numpy()
    for column in ("start", "end", "strand"):
        frame[column] = located[column].to_numpy()
    return checked_coordinates(frame[["id", "label", "sequence", *COORDINATE_COLUMNS]],
                               lambda row: f"{path}: record {stems[row]!r} (line {line[stems[row]]})")


def load(cfg: dict) -> LabelledSplits:
    folder = download(cfg["name"], Path(cfg["cache_dir"]).expanduser())
    train = read_split_folder(folder / "train")
    test = read_split_folder(folder / "test")
    check_split(train, str(folder / "train"))
    check_split(test, str(folder / "test"))
    classes = check_classes(train, test, cfg.get("classes"), str(folder))
    return LabelledSplits(train, test, classes)
