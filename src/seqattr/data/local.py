"""Local files: FASTA (plain or gzip) and CSV/TSV tables of labelled sequences."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pandas as pd

from seqattr import InputError
from seqattr.data.canonical import (
    LabelledSplits,
    check_classes,
    check_split,
    labelled_frame,
    stratified_split,
)

LABEL_FIELD = re.compile(r"(?:^|\s|\|)label=(\S+)")
FASTA_SUFFIXES = {".fa", ".fasta", ".fna", ".fas"}
TABLE_SEPARATORS = {".csv": ",", ".tsv": "\t", ".txt": "\t"}


def open_text(path: Path):
    """Open plain or gzip text, told apart by the gzip magic bytes rather than the name."""
    with open(path, "rb") as handle:
        magic = handle.read(2)
    return gzip.open(path, "rt") if magic == b"\x1f\x8b" else open(path, "rt")


def file_format(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in FASTA_SUFFIXES:
        return "fasta"
    if suffix in TABLE_SEPARATORS:
        return "table"
    raise InputError(f"{path}: cannot tell the format from the name; use .fa/.fasta or .csv/.tsv (optionally .gz)")


def read_fasta(path: Path, label: str | None = None) -> pd.DataFrame:
    """Records of a FASTA file; the label is `label` or the header's `label=<class>` field."""
    # Imported here: the Snakefile imports this module (input_files) while parsing, and
    # Biopython's import would then be paid by every `snakemake` call.
    from Bio import SeqIO

    ids, labels, sequences = [], [], []
    with open_text(path) as handle:
        for number, record in enumerate(SeqIO.parse(handle, "fasta"), start=1):
            record_label = label
            if record_label is None:
                match = LABEL_FIELD.search(record.description)
                if match is None:
                    raise InputError(f"{path}: record {record.id!r} (number {number}) has no 'label=<class>' field in its header")
                record_label = match.group(1)
            ids.append(record.id)
            labels.append(record_label)
            sequences.append(str(record.seq))
    if not ids:
        raise InputError(f"{path}: no FASTA records (empty file or not FASTA)")
    return labelled_frame(ids, labels, sequences)


def read_table_file(path: Path, sequence_column: str, label_column: str | None, id_column: str | None,
                    label: str | None = None) -> pd.DataFrame:
    suffix = [s.lower() for s in path.suffixes if s.lower() != ".gz"][-1]
    with open_text(path) as handle:
        try:
            frame = pd.read_csv(handle, sep=TABLE_SEPARATORS[suffix], dtype=str, keep_default_na=False)
        except pd.errors.EmptyDataError:
            raise InputError(f"{path}: empty file") from None
    wanted = [sequence_column] + ([label_column] if label is None else []) + ([id_column] if id_column else [])
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column {missing[0]!r}; columns are {list(frame.columns)}")
    if len(frame) == 0:
        raise InputError(f"{path}: no rows (empty file)")
    ids = frame[id_column] if id_column else [f"{path.name.split('.')[0]}_{i + 1}" for i in range(len(frame))]
    labels = [label] * len(frame) if label is not None else frame[label_column]
    return labelled_frame(ids, labels, frame[sequence_column].str.strip())


def read_labelled(source, cfg: dict, base: Path) -> pd.DataFrame:
    """One split: a single file, or a mapping class -> file (one file per class)."""
    if isinstance(source, dict):
        parts = [read_labelled_file(base / path, cfg, label=str(label)) for label, path in source.items()]
        return pd.concat(parts, ignore_index=True)
    return read_labelled_file(base / source, cfg)


def read_labelled_file(path: Path, cfg: dict, label: str | None = None) -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if file_format(path) == "fasta":
        return read_fasta(path, label)
    return read_table_file(path, cfg.get("sequence_column", "sequence"), cfg.get("label_column", "label"),
                           cfg.get("id_column"), label)


def describe(source) -> str:
    return ", ".join(map(str, source.values())) if isinstance(source, dict) else str(source)


def load(cfg: dict, base: Path = Path(".")) -> LabelledSplits:
    """Train and test from `cfg`: separate files, or one split by a seeded stratified fraction."""
    train = read_labelled(cfg["train"], cfg, base)
    check_split(train, describe(cfg["train"]))
    if cfg.get("test"):
        test = read_labelled(cfg["test"], cfg, base)
        check_split(test, describe(cfg["test"]))
    else:
        train, test = stratified_split(train, cfg["test_fraction"], cfg["split_seed"])
    source = describe(cfg["train"]) + (f" / {describe(cfg['test'])}" if cfg.get("test") else "")
    both = pd.concat([train, test], ignore_index=True)
    check_split(both, source)  # an id in both files is a duplicate too
    classes = check_classes(train, test, cfg.get("classes"), source)
    return LabelledSplits(train, test, classes)


def input_files(cfg: dict) -> list[str]:
    """Every local file a dataset reads, so that Snakemake reruns when one changes."""
    files = []
    for key in ("train", "test"):
        source = cfg.get(key)
        if isinstance(source, dict):
            files.extend(map(str, source.values()))
        elif source:
            files.append(str(source))
    return files
