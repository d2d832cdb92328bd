"""The data stage's steps, one per rule: files in, files out. Sources and encoding live
in `sources`, `canonical` and `encoding`; the overview in `summary`."""

from __future__ import annotations

import logging

from seqattr.data.canonical import read_classes, read_split, write_splits
from seqattr.data.encoding import encode_split, save_encoded
from seqattr.figures import save_figure
from seqattr.io import read_table, write_table

log = logging.getLogger(__name__)


def prepare(train_path, test_path, classes_path, motifs_path=None, *, spec: dict, name: str) -> None:
    """A dataset from its config entry (synthetic, local or genomic-benchmarks) as canonical files."""
    from seqattr.data.sources import load_dataset

    splits = load_dataset(spec)
    log.info("%s: %d train, %d test sequences, classes %s", name, len(splits.train), len(splits.test),
             splits.classes)
    write_splits(splits, train_path, test_path, classes_path, motifs_path)


def encode(train_path, test_path, classes_path, train_out, test_out, *, length: int | None, crop: str = "centre",
           ambiguous: str = "zero") -> int:
    """Encode a canonical train/test pair; L defaults to the longest training sequence."""
    classes = read_classes(classes_path)
    train, test = read_split(train_path), read_split(test_path)
    if length is None:
        length = int(train["sequence"].str.len().max())
    for frame, source, out in ((train, train_path, train_out), (test, test_path, test_out)):
        save_encoded(encode_split(frame, classes, length, crop, ambiguous, str(source)), out)
    return length


def summarise(train_path, test_path, classes_path, table_path, png, pdf, *, name: str, motifs_path=None) -> None:
    """The dataset's summary table and overview figure."""
    from seqattr.data.summary import overview_figure, summary_table

    classes = read_classes(classes_path)
    splits = {"train": read_split(train_path), "test": read_split(test_path)}
    motifs = read_table(motifs_path) if motifs_path else None
    write_table(summary_table(splits, classes), table_path)
    save_figure(overview_figure(splits, classes, motifs, f"Dataset {name}"), png, pdf)
