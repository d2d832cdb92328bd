"""Absolut! binder tables (Robert et al. 2022): each binder's per-residue share of the
binding energy, from the `contribPerAAparaBind` column.

Read by the generative stage (to stop at import on a malformed cell) and by the GAMA
ground truth (`gama_validation.ground_truth`). The parsing is ours (the GAMA authors'
code has none). Positions are 1-based positions within the slice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from seqattr import InputError
from seqattr.data.local import read_delimited

# `contribPerAAparaBind` entries: residue, position letter within the slice (a = first),
# then "<count>_<energy>". The list ends with a comma, so empty entries are skipped.
_CONTRIBUTION = re.compile(r"(?P<residue>[A-Z])(?P<letter>[a-z]):(?P<count>\d+)_(?P<energy>[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)")

@dataclass(frozen=True)
class Contribution:
    residue: str
    position: int  # 1-based position within the slice
    count: int
    energy: float


def parse_contributions(text: str, *, slice_length: int = 11, where: str = "contribPerAAparaBind") -> list[Contribution]:
    """Parse one `contribPerAAparaBind` cell, e.g. ``"Sa:1_-1.67,Lb:3_-17.48,"``.

    `where` names the file and record in error messages. An empty cell (a binder with no
    paratope contact recorded) gives an empty list.
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return []
    contributions = []
    seen = set()
    for entry in str(text).strip().split(","):
        entry = entry.strip()
        if not entry:
            continue
        match = _CONTRIBUTION.fullmatch(entry)
        if match is None:
            raise InputError(f"{where}: entry {entry!r} is not <residue><position letter>:<count>_<energy>")
        position = ord(match["letter"]) - ord("a") + 1
        if position > slice_length:
            raise InputError(f"{where}: entry {entry!r} names position {match['letter']!r}, "
                             f"beyond a slice of {slice_length} residues (a..{chr(ord('a') + slice_length - 1)})")
        if position in seen:
            raise InputError(f"{where}: position {match['letter']!r} appears twice")
        seen.add(position)
        energy = float(match["energy"])
        if not np.isfinite(energy):  # e.g. 1e999: rho over positions would drop it silently
            raise InputError(f"{where}: entry {entry!r} has a non-finite energy ({energy}); energies must be "
                             f"finite numbers")
        contributions.append(Contribution(match["residue"], position, int(match["count"]), energy))
    return contributions


def read_absolut_contributions(path, *, column: str = "contribPerAAparaBind",
                               slice_column: str = "Slide", epitope: str | None = None,
                               min_size: int = 1) -> pd.DataFrame:
    """Long table (record, position, residue, count, energy) of an Absolut! binder table.

    `epitope` keeps the records whose `interMaskAGEpitope` equals it (as the set's reader
    does), and fewer than `min_size` records left is an error. Records are numbered as in
    the file (1 = first data row). Each entry's residue is checked against the slice, so
    a misread position letter cannot pass silently.
    """
    table = read_delimited(path, "\t")
    for needed in (column, slice_column):
        if needed not in table.columns:
            raise InputError(f"{path}: no column {needed!r} (columns: {', '.join(table.columns[:8])}, ...)")
    table.index = pd.RangeIndex(1, len(table) + 1)
    if epitope is not None:
        if "interMaskAGEpitope" not in table.columns:
            raise InputError(f"{path}: an epitope filter needs the column 'interMaskAGEpitope'")
        table = table[table["interMaskAGEpitope"] == epitope]
        if len(table) < min_size:
            raise InputError(f"{path}: the epitope filter {epitope!r} leaves {len(table)} records, fewer than "
                             f"the configured minimum {min_size} (generative.sets.*.min_size)")
    if table.empty:
        raise InputError(f"{path}: no records")
    lengths = table[slice_column].str.len()
    slice_length = int(lengths.iloc[0])
    odd = lengths[lengths != slice_length]
    if len(odd):
        record = odd.index[0]
        raise InputError(f"{path}: record {record} has a {slice_column} slice of length {odd.iloc[0]} "
                         f"({table.loc[record, slice_column]!r}) but record {lengths.index[0]} has "
                         f"{slice_length}; every slice must have the same length")
    rows = []
    for record, slice_, cell in zip(table.index, table[slice_column], table[column]):
        where = f"{path}: record {record} ({column})"
        for c in parse_contributions(cell, slice_length=slice_length, where=where):
            if slice_[c.position - 1] != c.residue:
                raise InputError(f"{where}: entry for position {c.position} names residue {c.residue!r} "
                                 f"but the slice {slice_!r} has {slice_[c.position - 1]!r} there")
            rows.append((record, c.position, c.residue, c.count, c.energy))
    if not rows:
        raise InputError(f"{path}: none of the {len(table)} records has a {column} entry (every cell is empty), "
                         f"so there is no energy to compare GAMA with; check the column or the epitope filter")
    long = pd.DataFrame(rows, columns=["record", "position", "residue", "count", "energy"])
    long.attrs["n_records"] = len(table)
    long.attrs["slice_length"] = slice_length
    return long
