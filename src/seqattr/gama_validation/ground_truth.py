"""GAMA importance against biophysical truth, and the two GAMA modes against each other.

Absolut! simulated binders (Robert et al. 2022) give each paratope residue's share of the
binding energy; the GAMA paper (Frank et al., arXiv:2506.23182) correlates per-position
importance with |mean binding energy| by Spearman's rho. The parsing of
`contribPerAAparaBind` and the per-position average are ours (the authors' code has
neither). Positions are 1-based residue positions throughout, as in every GAMA output.
The synthetic-set detection rules are in `detection`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

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
        contributions.append(Contribution(match["residue"], position, int(match["count"]), float(match["energy"])))
    return contributions


def read_absolut_contributions(path, *, column: str = "contribPerAAparaBind",
                               slice_column: str = "Slide") -> pd.DataFrame:
    """Long table (record, position, residue, count, energy) of an Absolut! binder table.

    Each entry's residue is checked against the slice, so a misread position letter
    cannot pass silently.
    """
    table = read_delimited(path, "\t")
    for needed in (column, slice_column):
        if needed not in table.columns:
            raise InputError(f"{path}: no column {needed!r} (columns: {', '.join(table.columns[:8])}, ...)")
    if table.empty:
        raise InputError(f"{path}: no records")
    lengths = table[slice_column].str.len()
    if lengths.nunique() != 1:
        raise InputError(f"{path}: {slice_column} slices have mixed lengths {sorted(lengths.unique())}")
    slice_length = int(lengths.iloc[0])
    rows = []
    for record, (slice_, cell) in enumerate(zip(table[slice_column], table[column]), start=1):
        where = f"{path}: record {record} ({column})"
        for c in parse_contributions(cell, slice_length=slice_length, where=where):
            if slice_[c.position - 1] != c.residue:
                raise InputError(f"{where}: entry for position {c.position} names residue {c.residue!r} "
                                 f"but the slice {slice_!r} has {slice_[c.position - 1]!r} there")
            rows.append((record, c.position, c.residue, c.count, c.energy))
    long = pd.DataFrame(rows, columns=["record", "position", "residue", "count", "energy"])
    long.attrs["n_records"] = len(table)
    long.attrs["slice_length"] = slice_length
    return long


def per_position_energy(contributions: pd.DataFrame, n_records: int, slice_length: int) -> pd.DataFrame:
    """Mean binding energy per slice position over ALL records of the set.

    A record in which a position makes no contact contributes 0 to that position's mean
    (the data README: "positions that do not appear contribute nothing"), so a position
    that binds rarely ranks below one that binds in every record. `contact_fraction`
    and `mean_energy_when_contact` are given beside it for reading the figure.
    """
    positions = pd.Index(range(1, slice_length + 1), name="position")
    grouped = contributions.groupby("position")["energy"]
    total = grouped.sum().reindex(positions, fill_value=0.0)
    contacts = grouped.size().reindex(positions, fill_value=0)
    table = pd.DataFrame({
        "mean_energy": total / n_records,
        "contact_fraction": contacts / n_records,
        "mean_energy_when_contact": (total / contacts.where(contacts > 0)),
    }, index=positions).reset_index()
    table["abs_mean_energy"] = table["mean_energy"].abs()
    return table


def spearman(importance: Sequence[float], truth: Sequence[float]) -> tuple[float, float]:
    """Spearman rho and two-sided p over positions where both values are defined."""
    importance = np.asarray(importance, dtype=float)
    truth = np.asarray(truth, dtype=float)
    keep = np.isfinite(importance) & np.isfinite(truth)
    if keep.sum() < 3 or np.ptp(importance[keep]) == 0 or np.ptp(truth[keep]) == 0:
        return float("nan"), float("nan")
    result = stats.spearmanr(importance[keep], truth[keep])
    return float(result.statistic), float(result.pvalue)


def ground_truth_table(profile: pd.DataFrame, energy: pd.DataFrame) -> pd.DataFrame:
    """Join a GAMA profile (mode, position, importance, rank) with per-position energy.

    Adds each mode's Spearman rho and p of importance against |mean energy| as columns
    (the same value on every row of a mode), so one file holds the figure's data.
    """
    missing = sorted(set(energy["position"]) - set(profile["position"]))
    if missing:
        raise InputError(f"GAMA profile lacks positions {missing} of the ground truth "
                         f"(profile has {profile['position'].min()}..{profile['position'].max()})")
    table = profile[["mode", "position", "importance", "rank"]].merge(energy, on="position", how="inner")
    parts = []
    for mode, part in table.groupby("mode", sort=False):
        rho, p = spearman(part["importance"], part["abs_mean_energy"])
        parts.append(part.assign(spearman_rho=rho, spearman_p=p))
    return pd.concat(parts, ignore_index=True).sort_values(["mode", "position"], kind="stable").reset_index(drop=True)


# --- the two GAMA modes against each other ------------------------------------------------

def mode_agreement(profile: pd.DataFrame, top: int = 4) -> pd.DataFrame:
    """For each pair of modes in a profile table: Spearman rho of their importances and
    their top-`top` positions, so one can read whether the published code's gradient
    accumulation changes the conclusion (the paper names four key Mason residues)."""
    modes = list(dict.fromkeys(profile["mode"]))
    by_mode = {m: profile[profile["mode"] == m].set_index("position")["importance"].sort_index() for m in modes}
    rows = []
    for i, a in enumerate(modes):
        for b in modes[i + 1:]:
            rho, p = spearman(by_mode[a].to_numpy(), by_mode[b].reindex(by_mode[a].index).to_numpy())
            top_a = _top_positions(by_mode[a], top)
            top_b = _top_positions(by_mode[b], top)
            rows.append({"mode_a": a, "mode_b": b, "spearman_rho": rho, "spearman_p": p,
                         f"top{top}_a": ",".join(map(str, top_a)), f"top{top}_b": ",".join(map(str, top_b)),
                         f"shared_top{top}": len(set(top_a) & set(top_b))})
    return pd.DataFrame(rows)


def _top_positions(importance: pd.Series, top: int) -> list[int]:
    order = importance.fillna(-np.inf).sort_values(ascending=False, kind="stable")
    return [int(p) for p in order.index[:top]]
