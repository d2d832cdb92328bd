"""The permutation p-value of Spearman's rho, shared by every comparison of a GAMA
profile with a ground truth (Absolut! energies, binders against non-binders)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import stats

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
