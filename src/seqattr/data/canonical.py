"""The canonical labelled-sequence format every later stage reads.

A dataset is `train.tsv.gz` and `test.tsv.gz` (columns id, label, sequence; label is a
class name; where the dataset carries genome coordinates also chrom, start, end, strand,
0-based half-open as in BED, `seqattr.data.coordinates`), `classes.json` (class names; a class's index is its integer label), and for
synthetic data `motifs.tsv.gz` (id, start, end, motif, class; 0-based, end exclusive).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from seqattr import InputError
from seqattr.data.coordinates import COORDINATE_COLUMNS, has_coordinates
from seqattr.io import read_json, read_table, write_json, write_table
from seqattr.minimums import MIN_PER_CLASS, check_class_sizes

COLUMNS = ["id", "label", "sequence"]
MOTIF_COLUMNS = ["id", "start", "end", "motif", "class"]
DNA_LETTERS = "ACGT"
# IUPAC ambiguity codes are accepted and encoded as unknown; anything else is an error.
DNA_AMBIGUOUS = "NRYSWKMBDHV"


@dataclass(frozen=True)
class LabelledSplits:
    train: pd.DataFrame
    test: pd.DataFrame
    classes: list[str]
    motifs: pd.DataFrame | None = None


def labelled_frame(ids, labels, sequences) -> pd.DataFrame:
    return pd.DataFrame({"id": list(ids), "label": [str(x) for x in labels], "sequence": list(sequences)})


def first_invalid_character(sequences, allowed: str) -> tuple[int, int, str] | None:
    """(row, 0-based position, character) of the first character outside `allowed`.

    Case-insensitive. Vectorised over the concatenated text: a per-character Python
    loop is far too slow for genome-sized input.
    """
    sequences = list(sequences)
    if not sequences:
        return None
    joined = "".join(sequences).upper().encode("ascii", errors="replace")
    table = np.zeros(256, dtype=bool)
    table[np.frombuffer(allowed.upper().encode(), dtype=np.uint8)] = True
    codes = np.frombuffer(joined, dtype=np.uint8)
    bad = np.flatnonzero(~table[codes])
    if bad.size == 0:
        return None
    offset = int(bad[0])
    ends = np.cumsum([len(s) for s in sequences])
    row = int(np.searchsorted(ends, offset, side="right"))
    start = int(ends[row - 1]) if row else 0
    return row, offset - start, sequences[row][offset - start]


def check_split(frame: pd.DataFrame, source: str, alphabet: str = DNA_LETTERS + DNA_AMBIGUOUS) -> None:
    """Raise one clear InputError for an empty split, duplicate ids, empty or bad sequences."""
    if len(frame) == 0:
        raise InputError(f"{source}: no sequences (empty file)")
    duplicated = frame["id"][frame["id"].duplicated()]
    if len(duplicated):
        raise InputError(f"{source}: duplicate record id {duplicated.iloc[0]!r} ({duplicated.nunique()} ids repeated)")
    lengths = frame["sequence"].str.len()
    if (lengths == 0).any():
        raise InputError(f"{source}: record {frame['id'][lengths == 0].iloc[0]!r} has an empty sequence")
    invalid = first_invalid_character(frame["sequence"], alphabet)
    if invalid is not None:
        row, position, char = invalid
        raise InputError(
            f"{source}: record {frame['id'].iloc[row]!r}, position {position + 1}: "
            f"invalid character {char!r} (allowed: {alphabet}, any case)"
        )


def check_classes(train: pd.DataFrame, test: pd.DataFrame, classes: list[str] | None, source: str) -> list[str]:
    """Check the label sets and return the class names in label order."""
    train_labels, test_labels = set(train["label"]), set(test["label"])
    if classes is not None:
        unknown = sorted((train_labels | test_labels) - set(classes))
        if unknown:
            raise InputError(f"{source}: labels {unknown} are not among the configured classes {classes}")
        missing = [c for c in classes if c not in train_labels]
        if missing:
            raise InputError(f"{source}: class {missing[0]!r} has no sequences in the training data")
    if train_labels != test_labels:
        raise InputError(
            f"{source}: train and test label sets differ: "
            f"only in train {sorted(train_labels - test_labels)}, only in test {sorted(test_labels - train_labels)}"
        )
    if len(train_labels) < 2:
        raise InputError(f"{source}: a classifier needs at least two classes, found {sorted(train_labels)}")
    check_class_sizes(train, test, source)
    return list(classes) if classes is not None else sorted(train_labels)


# MIN_PER_CLASS: sequences of each class on each side of a split (seqattr.minimums)


def stratified_split(frame: pd.DataFrame, test_fraction: float, seed: int,
                     source: str = "data") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seeded per-class split that never puts copies of one sequence on both sides.

    Rows with the same sequence (case folded) form a group that goes to train or test
    whole, counted in the class of its first row; groups of a class are shuffled and taken
    until the test side is closest to round(fraction * size). With no repeated sequence
    every group is one row and the split is the plain per-class permutation.
    """
    rng = np.random.default_rng(seed)
    groups = pd.factorize(frame["sequence"].str.upper())[0]
    first_row = np.full(groups.max() + 1 if len(groups) else 0, -1)
    first_row[groups[::-1]] = np.arange(len(groups))[::-1]
    group_label = frame["label"].to_numpy()[first_row]
    sizes = np.bincount(groups)
    test_groups = []
    for label in sorted(frame["label"].unique()):
        members = np.flatnonzero(group_label == label)  # in order of first occurrence
        n_rows = int(sizes[members].sum())
        n_test = int(round(test_fraction * n_rows))
        # At least 2 per class on each side: a class with one test sequence gives an
        # accuracy of 0 or 1 for that class and no spread to compare models on.
        if n_test < MIN_PER_CLASS or n_rows - n_test < MIN_PER_CLASS:
            raise InputError(f"{source}: class {label!r} has only {n_rows} sequence{'s' if n_rows != 1 else ''}, "
                             f"too few to split into train and test with test_fraction {test_fraction} "
                             f"({n_test} would go to test, {n_rows - n_test} to train; each needs at least "
                             f"{MIN_PER_CLASS}); add sequences, change test_fraction or give a separate test file")
        shuffled = rng.permutation(members)
        taken = np.cumsum(sizes[shuffled])
        count = int(np.argmin(np.abs(taken - n_test))) + 1
        if taken[count - 1] < MIN_PER_CLASS or n_rows - taken[count - 1] < MIN_PER_CLASS:
            raise InputError(f"{source}: class {label!r}: its {n_rows} sequences are {len(members)} distinct "
                             f"ones, too few to keep every copy of a sequence on one side of a split with "
                             f"test_fraction {test_fraction} (each side needs at least {MIN_PER_CLASS}); add "
                             f"sequences or give a separate test file")
        test_groups.append(shuffled[:count])
    is_test = np.isin(groups, np.concatenate(test_groups))
    return frame[~is_test].reset_index(drop=True), frame[is_test].reset_index(drop=True)


def canonical_columns(frame: pd.DataFrame) -> list[str]:
    """COLUMNS, and the coordinate columns where the frame has them."""
    return COLUMNS + (COORDINATE_COLUMNS if has_coordinates(frame) else [])


def write_splits(splits: LabelledSplits, train_path, test_path, classes_path, motifs_path=None) -> None:
    """The canonical files at the paths the rule declares (motifs only for synthetic data)."""
    write_table(splits.train[canonical_columns(splits.train)], train_path)
    write_table(splits.test[canonical_columns(splits.test)], test_path)
    write_json(splits.classes, classes_path)
    if splits.motifs is not None:
        if motifs_path is None:
            raise ValueError("these splits have planted motifs: give motifs_path")
        write_table(splits.motifs[MOTIF_COLUMNS], motifs_path)


def read_split(path: str | Path) -> pd.DataFrame:
    return read_table(path, dtype={"id": str, "label": str, "sequence": str, "chrom": str, "strand": str})


def read_classes(path: str | Path) -> list[str]:
    return list(read_json(path))
