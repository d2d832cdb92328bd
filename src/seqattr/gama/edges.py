"""Residue-pair (edge) scores from a GAMA matrix, and their reduction to positions.

A GAMA matrix is over tokens [START, r_1..r_L, END]: entry (j, p) scores input token p on
output j, the prediction of token j + 1. Residue position p is token p, so the score of
input residue i on the prediction of residue o (i < o) is entry (o - 1, i). The edge matrix
keeps only these residue-to-residue entries, indexed by residue: E[i - 1, o - 1], i < o.

A dependency between residues a < b shows as one edge, (a, b). The mean-based reductions
(`metric.importance_profile`'s input and output roles) average it with a position's other
partners, L - a of them at a and b - 1 at b, so an edge near the start weighs far less at
its input end than at its output end. `position_scores` reduces each role by the max or the
sum over partners instead, so both ends of a lone edge get the same score.
"""

from __future__ import annotations

import numpy as np

HOW = ("max", "sum")


def residue_edges(matrix) -> np.ndarray:
    """(L, L) float edge matrix from a token matrix (L + 2, L + 2) (numpy or torch):
    E[i - 1, o - 1] = matrix[o - 1, i], the score of input residue i on the prediction of
    residue o, for 1 <= i < o <= L; NaN on and below the diagonal."""
    values = np.asarray(matrix, dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] < 3:
        raise ValueError(f"expected a square matrix over L + 2 >= 3 tokens, got {values.shape}")
    length = values.shape[0] - 2
    # rows: inputs r_1..r_L (token columns 1..L); columns: outputs predicting r_1..r_L (token rows 0..L-1)
    edges = values[:length, 1 : length + 1].T.copy()
    edges[~upper_mask(length)] = np.nan
    return edges


def symmetric_to_edges(matrix) -> np.ndarray:
    """(L, L) edge matrix from a symmetric pairwise score (L, L), e.g. mutual information:
    E[i - 1, o - 1] = M[i - 1, o - 1] for i < o, NaN elsewhere."""
    values = np.asarray(matrix, dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise ValueError(f"expected a square (L, L) matrix, got {values.shape}")
    edges = values.copy()
    edges[~upper_mask(values.shape[0])] = np.nan
    return edges


def upper_mask(length: int) -> np.ndarray:
    """(L, L) bool: the entries i < o an edge matrix defines."""
    return np.triu(np.ones((length, length), dtype=bool), k=1)


def position_scores(edges, how: str = "max") -> np.ndarray:
    """(L,) per-position score from an edge matrix (L, L): the larger of the position's two
    roles, as input (over the later outputs it feeds, its row) and as output (over the
    earlier inputs it reads, its column), each role the max ("max") or the sum ("sum") of
    its defined edges. NaN only where both roles have no defined edge."""
    if how not in HOW:
        raise ValueError(f"how {how!r}: allowed {HOW}")
    values = np.asarray(edges, dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise ValueError(f"expected a square (L, L) edge matrix, got {values.shape}")
    return np.fmax(_role(values, how, axis=1), _role(values, how, axis=0))


def _role(edges: np.ndarray, how: str, axis: int) -> np.ndarray:
    defined = np.isfinite(edges).any(axis=axis)
    filled = np.where(np.isfinite(edges), edges, -np.inf if how == "max" else 0.0)
    reduced = filled.max(axis=axis) if how == "max" else filled.sum(axis=axis)
    return np.where(defined, reduced, np.nan)
