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


SCORING = ["mode", "readout", "metric", "reduction"]
PERMUTATION_DRAWS = 100_000


def _ranks(values: np.ndarray) -> np.ndarray:
    return stats.rankdata(values, axis=-1)


def permutation_p(importance: Sequence[float], truth: Sequence[float], draws: int = PERMUTATION_DRAWS,
                  seed: int = 0) -> float:
    """Two-sided permutation p-value of Spearman's rho over the positions where both are
    defined: the share of `draws` seeded random orderings of the truth (each a uniform
    permutation of its ranks, ties kept) whose |rho| is at least the observed |rho|,
    counting the observed ordering as one draw: (1 + hits) / (1 + draws). Over 11
    positions the 11! orderings are too many to enumerate; 100,000 draws give p to about
    +-0.0006 at p = 0.01."""
    importance, truth = np.asarray(importance, dtype=float), np.asarray(truth, dtype=float)
    keep = np.isfinite(importance) & np.isfinite(truth)
    if keep.sum() < 3 or np.ptp(importance[keep]) == 0 or np.ptp(truth[keep]) == 0:
        return float("nan")
    x, y = _ranks(importance[keep]), _ranks(truth[keep])
    x, y = x - x.mean(), y - y.mean()
    scale = np.sqrt((x ** 2).sum() * (y ** 2).sum())
    observed = abs(float(x @ y) / scale)
    rng = np.random.default_rng(seed)
    hits = 0
    for start in range(0, draws, 20_000):
        size = min(20_000, draws - start)
        shuffled = y[rng.permuted(np.tile(np.arange(len(y)), (size, 1)), axis=1)]
        hits += int((np.abs(shuffled @ x) / scale >= observed - 1e-12).sum())
    return (1 + hits) / (1 + draws)


def _scoring_columns(profile: pd.DataFrame) -> list[str]:
    return [c for c in SCORING if c in profile.columns]


def ground_truth_table(profile: pd.DataFrame, energy: pd.DataFrame, replicates: pd.DataFrame | None = None,
                       draws: int = PERMUTATION_DRAWS, seed: int = 0) -> pd.DataFrame:
    """Join a GAMA profile (mode[, readout, metric, reduction], position, importance, ...)
    with per-position energy.

    Adds, per scoring, Spearman's rho of importance against |mean energy| (spearman_rho),
    scipy's p (t approximation, spearman_p), the permutation p (`permutation_p`, with
    `draws` and its seed) and, given the replicates' own profiles (a `replicate` column),
    the mean and sd of each replicate's rho (rho_replicate_mean, rho_replicate_sd; the
    rhos themselves: `replicate_rhos`), as columns with the same value on every row of a
    scoring, so one file holds the figure's data.
    """
    missing = sorted(set(energy["position"]) - set(profile["position"]))
    if missing:
        raise InputError(f"GAMA profile lacks positions {missing} of the ground truth "
                         f"(profile has {profile['position'].min()}..{profile['position'].max()})")
    scoring = _scoring_columns(profile)
    table = profile.merge(energy, on="position", how="inner")
    rhos = replicate_rhos(replicates, energy) if replicates is not None else None
    parts = []
    for key, part in table.groupby(scoring, sort=False):
        rho, p = spearman(part["importance"], part["abs_mean_energy"])
        extra = {"spearman_rho": rho, "spearman_p": p,
                 "permutation_p": permutation_p(part["importance"], part["abs_mean_energy"], draws, seed),
                 "permutation_draws": draws}
        if rhos is not None:
            mine = rhos.merge(pd.DataFrame([dict(zip(scoring, key if isinstance(key, tuple) else (key,)))]),
                              on=scoring)["spearman_rho"]
            extra.update(rho_replicate_mean=mine.mean(), rho_replicate_sd=mine.std())
        parts.append(part.assign(**extra))
    return pd.concat(parts, ignore_index=True).sort_values(scoring + ["position"], kind="stable").reset_index(drop=True)


def replicate_rhos(replicates: pd.DataFrame, energy: pd.DataFrame) -> pd.DataFrame:
    """Spearman rho (and scipy's p) of each replicate's profile against |mean energy|, per scoring."""
    scoring = _scoring_columns(replicates)
    table = replicates.merge(energy[["position", "abs_mean_energy"]], on="position", how="inner")
    rows = []
    for key, part in table.groupby(scoring + ["replicate"], sort=False):
        rho, p = spearman(part["importance"], part["abs_mean_energy"])
        rows.append({**dict(zip(scoring + ["replicate"], key)), "spearman_rho": rho, "spearman_p": p})
    return pd.DataFrame(rows)


# --- the two GAMA modes against each other ------------------------------------------------

def mode_agreement(profile: pd.DataFrame, top: int = 4) -> pd.DataFrame:
    """For each pair of modes in a profile table, within each (readout, metric, reduction)
    that both modes have: Spearman rho of their importances and their top-`top`
    positions, so one can read whether the published code's gradient accumulation
    changes the conclusion (the paper names four key Mason residues)."""
    others = [c for c in ("readout", "metric", "reduction") if c in profile.columns]
    groups = profile.groupby(others, sort=False) if others else [((), profile)]
    rows = []
    for key, group in groups:
        labels = dict(zip(others, key if isinstance(key, tuple) else (key,)))
        modes = list(dict.fromkeys(group["mode"]))
        by_mode = {m: group[group["mode"] == m].set_index("position")["importance"].sort_index() for m in modes}
        for i, a in enumerate(modes):
            for b in modes[i + 1:]:
                rho, p = spearman(by_mode[a].to_numpy(), by_mode[b].reindex(by_mode[a].index).to_numpy())
                top_a = _top_positions(by_mode[a], top)
                top_b = _top_positions(by_mode[b], top)
                rows.append({**labels, "mode_a": a, "mode_b": b, "spearman_rho": rho, "spearman_p": p,
                             f"top{top}_a": ",".join(map(str, top_a)), f"top{top}_b": ",".join(map(str, top_b)),
                             f"shared_top{top}": len(set(top_a) & set(top_b))})
    return pd.DataFrame(rows)


def _top_positions(importance: pd.Series, top: int) -> list[int]:
    order = importance.fillna(-np.inf).sort_values(ascending=False, kind="stable")
    return [int(p) for p in order.index[:top]]
