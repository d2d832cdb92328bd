"""AttnGen's perturbation test: remove the top-, random- or bottom-ranked k% of each
sequence's positions and measure how much accuracy is left.

Only real positions (mask True) are ranked and counted; padding is never removed.
k = round(fraction * number of real positions), halves rounded up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from torch import nn

from seqattr.saliency import ORDERS, REMOVAL_MODES
from seqattr.saliency.attribution import predict


def removal_mask(scores: np.ndarray, fraction: float, order: str, rng: np.random.Generator,
                 valid: np.ndarray | None = None) -> np.ndarray:
    """(N, L) bool: the positions to remove in each row.

    Ties in the scores are broken at random (with `rng`), so a flat saliency map does not
    quietly become "remove the first positions".
    """
    if order not in ORDERS:
        raise ValueError(f"unknown removal order {order!r}; allowed: {', '.join(ORDERS)}")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"removal fraction must be in [0, 1], got {fraction}")
    scores = np.asarray(scores, dtype=np.float64)
    valid = np.ones(scores.shape, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    tiebreak = rng.random(scores.shape)
    key = {"top": -scores, "bottom": scores, "random": tiebreak}[order]
    key = np.where(valid, key, np.inf)  # padding ranks last, and k counts real positions only
    ranking = np.lexsort((tiebreak, key), axis=-1)
    ranks = np.empty_like(ranking)
    np.put_along_axis(ranks, ranking, np.arange(scores.shape[1])[None, :].repeat(len(scores), 0), axis=1)
    k = np.floor(fraction * valid.sum(axis=1) + 0.5).astype(np.int64)
    return ranks < k[:, None]


def remove_positions(x: np.ndarray, scores: np.ndarray, fraction: float, order: str = "top",
                     mode: str = "zero", rng: np.random.Generator | None = None,
                     valid: np.ndarray | None = None) -> np.ndarray:
    """A copy of one-hot x (N, 4, L) with the selected positions removed: all four channels
    zero (mode "zero") or a uniformly drawn base (mode "random_base", which may redraw the
    original base)."""
    if mode not in REMOVAL_MODES:
        raise ValueError(f"unknown removal mode {mode!r}; allowed: {', '.join(REMOVAL_MODES)}")
    rng = np.random.default_rng(0) if rng is None else rng
    remove = removal_mask(scores, fraction, order, rng, valid)
    out = np.array(x, dtype=np.float32, copy=True)
    rows, positions = np.nonzero(remove)
    out[rows, :, positions] = 0.0
    if mode == "random_base":
        out[rows, rng.integers(0, 4, size=len(rows)), positions] = 1.0
    return out


def accuracy(model: nn.Module, x: np.ndarray, labels: np.ndarray) -> float:
    predictions = predict(model, torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)))
    return float((predictions == labels).mean()) if len(labels) else float("nan")


def perturbation_accuracy(model: nn.Module, x: np.ndarray, labels: np.ndarray, scores: dict[str, np.ndarray],
                          fractions, mode: str = "zero", seed: int = 0,
                          valid: np.ndarray | None = None) -> pd.DataFrame:
    """Accuracy after removal, one row per method, order and fraction (columns method, order,
    fraction, accuracy, n).

    Random removal does not depend on the scores: it is measured once per fraction, with
    the same draws for every method, and reported under each method.
    """
    labels = np.asarray(labels)
    rows = []
    for step, fraction in enumerate(sorted(set(float(f) for f in fractions))):
        for order in ORDERS:
            if fraction == 0.0 or order == "random":
                rng = np.random.default_rng([seed, step, ORDERS.index(order)])
                first = next(iter(scores.values()))
                value = accuracy(model, remove_positions(x, first, fraction, order, mode, rng, valid), labels)
                rows += [(method, order, fraction, value) for method in scores]
                continue
            for method, method_scores in scores.items():
                rng = np.random.default_rng([seed, step, ORDERS.index(order)])
                value = accuracy(model, remove_positions(x, method_scores, fraction, order, mode, rng, valid), labels)
                rows.append((method, order, fraction, value))
    frame = pd.DataFrame(rows, columns=["method", "order", "fraction", "accuracy"])
    frame["n"] = len(labels)
    order_rank = {o: k for k, o in enumerate(ORDERS)}
    method_rank = {m: k for k, m in enumerate(scores)}
    return frame.sort_values(["method", "order", "fraction"], key=lambda c: c.map(method_rank) if c.name == "method"
                             else c.map(order_rank) if c.name == "order" else c, kind="stable").reset_index(drop=True)
