"""GAMA importance against biophysical truth, and the two GAMA modes against each other.

Absolut! simulated binders (Robert et al. 2022) give each paratope residue's share of the
binding energy; the GAMA paper (Frank et al., arXiv:2506.23182) correlates per-position
importance with |mean binding energy| by Spearman's rho. The table is read by
`generative.absolut`; the per-position average is ours (the authors' code has none).
Positions are 1-based residue positions throughout, as in every GAMA output.
The synthetic-set detection rules are in `detection`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from seqattr import InputError
from seqattr.gama_validation.permutation import PERMUTATION_DRAWS, permutation_p  # noqa: F401 (re-exported)


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
    positions, so one can read whether the authors' code's gradient accumulation
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
