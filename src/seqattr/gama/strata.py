"""GAMA on CDR3s of mixed lengths: one stratum per length, combined on IMGT positions.

GAMA compares the IG of one (output, input) position pair across sequences, so it is
computed within each length stratum (sequences of one length share their positions);
IG itself is per sequence. Each stratum's position p is the IMGT CDR3 position
`imgt_positions(L)[p - 1]` (`generative.imgt`), and a scoring's profile over the set is,
per IMGT position, the mean of the strata's importances weighted by how many attributed
sequences each stratum has (`n_sequences`: how many sequences contribute to the
position). Matrices are combined the same way over IMGT-ordered tokens (START, the IMGT
positions in sequence order, END). Strata with fewer than `min_stratum` sequences are
left out (a median and a variance over a handful of sequences are noise) and counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from seqattr.generative.imgt import imgt_positions, sort_positions


def strata(lengths, min_stratum: int) -> tuple[list[int], dict[int, int]]:
    """(lengths with at least `min_stratum` sequences, ascending; {length: count} of all)."""
    counts = pd.Series(list(lengths)).value_counts().sort_index()
    return [int(length) for length, n in counts.items() if n >= min_stratum], {int(k): int(v) for k, v in
                                                                             counts.items()}


def imgt_columns(lengths) -> list[str]:
    """Every IMGT position of the given CDR3 lengths, in sequence order."""
    return sort_positions(p for length in lengths for p in imgt_positions(int(length)))


def combine_profiles(frames: dict[int, pd.DataFrame], counts: dict[int, int], keys: list[str]) -> pd.DataFrame:
    """One profile over IMGT positions from per-length profiles ({length: frame with `keys`,
    position, importance}): per key and IMGT position the count-weighted mean importance
    (NaN importances skipped) and n_sequences; `position` becomes the IMGT position's
    1-based index in sequence order over all the strata's positions."""
    columns = imgt_columns(frames)
    order = {p: i + 1 for i, p in enumerate(columns)}
    parts = []
    for length, frame in frames.items():
        numbers = imgt_positions(length)
        parts.append(frame.assign(imgt_position=[numbers[int(p) - 1] for p in frame["position"]],
                                  _weight=counts[length]))
    stacked = pd.concat(parts, ignore_index=True)
    finite = stacked["importance"].notna()
    stacked["_weighted"] = stacked["importance"].fillna(0) * stacked["_weight"] * finite
    stacked["_finite_weight"] = stacked["_weight"] * finite
    grouped = (stacked.groupby(keys + ["imgt_position"], sort=False)
               .agg(_weighted=("_weighted", "sum"), _finite_weight=("_finite_weight", "sum"),
                    n_sequences=("_weight", "sum")).reset_index())
    grouped["importance"] = np.where(grouped["_finite_weight"] > 0,
                                     grouped["_weighted"] / grouped["_finite_weight"].where(
                                         grouped["_finite_weight"] > 0, 1), np.nan)
    grouped["position"] = grouped["imgt_position"].map(order)
    grouped = grouped.sort_values(keys + ["position"], kind="stable").reset_index(drop=True)
    return grouped[keys + ["position", "imgt_position", "importance", "n_sequences"]]


def combine_matrices(matrices: dict[int, torch.Tensor], counts: dict[int, int]) -> tuple[torch.Tensor, list[str]]:
    """One (T, T) matrix over START, the IMGT positions in sequence order, END from per-length
    matrices ({length: (L + 2, L + 2)}): each entry the count-weighted mean over the strata
    where it is defined (NaN where none is). Returns it and the token labels."""
    columns = imgt_columns(matrices)
    labels = ["START", *columns, "END"]
    index = {p: i + 1 for i, p in enumerate(columns)}
    size = len(labels)
    total = torch.zeros(size, size, dtype=torch.float64)
    weight = torch.zeros(size, size, dtype=torch.float64)
    for length, matrix in matrices.items():
        where = torch.tensor([0, *[index[p] for p in imgt_positions(length)], size - 1])
        values = matrix.double()
        defined = torch.isfinite(values)
        rows, cols = where[:, None].expand_as(values), where[None, :].expand_as(values)
        total.index_put_((rows[defined], cols[defined]), counts[length] * values[defined], accumulate=True)
        weight.index_put_((rows[defined], cols[defined]), torch.full_like(values[defined], counts[length]),
                          accumulate=True)
    combined = torch.where(weight > 0, total / weight.clamp(min=1e-300), torch.full_like(total, float("nan")))
    return combined, labels
