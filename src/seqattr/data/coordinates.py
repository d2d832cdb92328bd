"""Genome coordinates of imported sequences, and positions of the model's window mapped back to them.

A record's coordinates are `chrom`, `start`, `end`, `strand`: 0-based, half-open as in BED,
`end - start` the sequence's length, strand `+` or `-`. A minus-strand sequence is the
reverse complement of [start, end): its position i is genome position end - 1 - i. A
dataset has coordinates for every record or for none (a table with the columns needs them
on every row; a FASTA file whose ids are `chrom:start-end(strand)` needs that id on every
record; bedtools getfasta writes it, `(strand)` only with -s, and without it the strand is +).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from seqattr import InputError

COORDINATE_COLUMNS = ["chrom", "start", "end", "strand"]
STRANDS = ("+", "-")
# bedtools getfasta's name, with -name its `name::` in front.
FASTA_LOCATION = re.compile(r"^(?:.+::)?(?P<chrom>[^\s:]+):(?P<start>\d+)-(?P<end>\d+)(?:\((?P<strand>[^)]*)\))?$")


def has_coordinates(frame: pd.DataFrame) -> bool:
    return all(column in frame.columns for column in COORDINATE_COLUMNS)


def fasta_location(record_id: str) -> dict | None:
    """chrom, start, end, strand (strings) of an id `chrom:start-end(strand)`, else None."""
    match = FASTA_LOCATION.match(record_id)
    if match is None:
        return None
    location = match.groupdict()
    location["strand"] = "+" if location["strand"] is None else location["strand"]
    return location


def checked_coordinates(frame: pd.DataFrame, where) -> pd.DataFrame:
    """The frame with chrom and strand as str, start and end as int64, after checking each
    row (`where(row)` says where row number `row` is, for the message): all four given,
    integer start and end, end > start, end - start the sequence's length, strand + or -."""
    values = {column: frame[column].fillna("").astype(str).str.strip() for column in COORDINATE_COLUMNS}
    given = pd.DataFrame({column: values[column] != "" for column in COORDINATE_COLUMNS})
    partial = (~given.all(axis=1)).to_numpy().nonzero()[0]
    if len(partial):
        row = int(partial[0])
        missing = [column for column in COORDINATE_COLUMNS if not given[column].iloc[row]]
        raise InputError(f"{where(row)}, column {missing[0]!r}: empty; with coordinates every record needs all of "
                         f"{', '.join(COORDINATE_COLUMNS)} ({len(partial)} record{'s' if len(partial) > 1 else ''} "
                         f"without them all)")
    numbers = {}
    for column in ("start", "end"):
        # Digits only: '1e3' or '10.0' in a coordinate column is a formatting slip, not a position.
        bad = (~values[column].str.fullmatch(r"\d+")).to_numpy().nonzero()[0]
        if len(bad):
            row = int(bad[0])
            raise InputError(f"{where(row)}, column {column!r}: {values[column].iloc[row]!r} is not a "
                             f"non-negative integer (0-based, half-open as in BED)")
        numbers[column] = values[column].astype(np.int64).to_numpy()
    start, end = numbers["start"], numbers["end"]
    backwards = np.flatnonzero(end <= start)
    if len(backwards):
        row = int(backwards[0])
        raise InputError(f"{where(row)}, column 'end': {end[row]} is not after start {start[row]} (0-based, "
                         f"half-open as in BED: end > start)")
    lengths = frame["sequence"].str.len().to_numpy()
    wrong = np.flatnonzero(end - start != lengths)
    if len(wrong):
        row = int(wrong[0])
        raise InputError(f"{where(row)}, column 'end': end - start is {end[row] - start[row]} but the sequence has "
                         f"{lengths[row]} nt (0-based, half-open as in BED: end - start is the length)")
    unknown = (~values["strand"].isin(STRANDS)).to_numpy().nonzero()[0]
    if len(unknown):
        row = int(unknown[0])
        raise InputError(f"{where(row)}, column 'strand': {values['strand'].iloc[row]!r} is not a strand "
                         f"(+ or -)")
    result = frame.copy()
    result["chrom"], result["strand"] = values["chrom"], values["strand"]
    result["start"], result["end"] = start, end
    return result


def check_all_or_none(frame: pd.DataFrame, source: str) -> None:
    """InputError when some records of a dataset have coordinates and others none (files
    read together, one with the columns and one without)."""
    if not has_coordinates(frame):
        return
    missing = frame["chrom"].isna().to_numpy().nonzero()[0]
    if len(missing):
        row = int(missing[0])
        raise InputError(f"{source}: record {frame['id'].iloc[row]!r} has no genome coordinates but others have; "
                         f"give {', '.join(COORDINATE_COLUMNS)} for every record or for none")


@dataclass(frozen=True)
class GenomeCoordinates:
    """Per encoded sequence: chrom, start, end, strand, and `offset`, the window column of
    the sequence's position 0 (negative where cropping cut its start)."""

    chrom: np.ndarray
    start: np.ndarray
    end: np.ndarray
    strand: np.ndarray
    offset: np.ndarray

    def __getitem__(self, rows) -> "GenomeCoordinates":
        return GenomeCoordinates(self.chrom[rows], self.start[rows], self.end[rows], self.strand[rows],
                                 self.offset[rows])

    def genome_positions(self, length: int) -> tuple[np.ndarray, np.ndarray]:
        """(N, length) genome position of each window column and whether it lies in the
        sequence (False at padding and beyond a cropped end)."""
        columns = np.arange(length)[None, :]
        position = columns - self.offset[:, None]  # position in the sequence
        inside = (position >= 0) & (position < (self.end - self.start)[:, None])
        minus = (self.strand == "-")[:, None]
        genome = np.where(minus, self.end[:, None] - 1 - position, self.start[:, None] + position)
        return genome.astype(np.int64), inside

    def map_intervals(self, rows: np.ndarray, starts: np.ndarray, ends: np.ndarray, strands: np.ndarray):
        """Window intervals [start, end) of sequences `rows` (strand relative to the sequence)
        as genome (chrom, start, end, strand, kept): clipped to the sequence, a minus-strand
        sequence's interval reversed and its strand flipped; kept is False where nothing of
        the interval is in the sequence."""
        offset, length = self.offset[rows], (self.end - self.start)[rows]
        first = np.clip(starts - offset, 0, length)
        last = np.clip(ends - offset, 0, length)
        minus = self.strand[rows] == "-"
        genome_start = np.where(minus, self.end[rows] - last, self.start[rows] + first)
        genome_end = np.where(minus, self.end[rows] - first, self.start[rows] + last)
        flipped = np.where(strands == "+", "-", "+")
        strand = np.where(minus, flipped, strands)
        return self.chrom[rows], genome_start, genome_end, strand, last > first
