"""Agreement of saliency with the planted motif positions of the synthetic data.

Per sequence, the L positions are a ranking problem: positives are the positions inside
a planted motif, the score is the saliency. AUROC is the rank statistic (Mann-Whitney U
with average ranks for ties); AUPRC is average precision, the step-wise area that
scikit-learn's average_precision_score computes (tied scores form one threshold).
Both are written for a whole (N, L) matrix at once: a Python loop over 3,000 sequences
per method and classifier would dominate the stage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata


def motif_truth(motifs: pd.DataFrame, ids, length: int) -> np.ndarray:
    """(N, L) bool: True inside any planted motif (0-based, end exclusive) of each id."""
    row_of = {str(identifier): row for row, identifier in enumerate(ids)}
    truth = np.zeros((len(row_of), length), dtype=bool)
    for identifier, start, end in motifs[["id", "start", "end"]].itertuples(index=False):
        row = row_of.get(str(identifier))
        if row is not None:
            truth[row, max(int(start), 0):min(int(end), length)] = True
    return truth


def per_sequence_auroc(scores: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """(N,) AUROC per row; NaN where a row has no positives or no negatives."""
    scores, truth = np.asarray(scores, dtype=np.float64), np.asarray(truth, dtype=bool)
    ranks = rankdata(scores, method="average", axis=1)
    positives = truth.sum(axis=1)
    negatives = truth.shape[1] - positives
    rank_sum = np.where(truth, ranks, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        auroc = (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)
    return np.where((positives > 0) & (negatives > 0), auroc, np.nan)


def per_sequence_auprc(scores: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """(N,) average precision per row; NaN where a row has no positives."""
    scores, truth = np.asarray(scores, dtype=np.float64), np.asarray(truth, dtype=bool)
    n, length = scores.shape
    order = np.argsort(-scores, axis=1, kind="stable")
    ranked_scores = np.take_along_axis(scores, order, axis=1)
    ranked_truth = np.take_along_axis(truth, order, axis=1)
    true_positives = np.cumsum(ranked_truth, axis=1)
    # Tied scores are one threshold: each position takes the precision at the end of its tie group.
    group_end = np.ones((n, length), dtype=bool)
    group_end[:, :-1] = ranked_scores[:, :-1] != ranked_scores[:, 1:]
    end_index = np.where(group_end, np.arange(length)[None, :], length)
    end_index = np.minimum.accumulate(end_index[:, ::-1], axis=1)[:, ::-1]
    precision = np.take_along_axis(true_positives, end_index, axis=1) / (end_index + 1.0)
    positives = ranked_truth.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ap = np.where(ranked_truth, precision, 0.0).sum(axis=1) / positives
    return np.where(positives > 0, ap, np.nan)


def recovery_summary(scores: np.ndarray, truth: np.ndarray) -> dict:
    """Mean and SD (ddof 1) of per-sequence AUROC, mean AUPRC, over sequences with a motif."""
    has_motif = truth.any(axis=1) & ~truth.all(axis=1)
    auroc = per_sequence_auroc(scores[has_motif], truth[has_motif])
    auprc = per_sequence_auprc(scores[has_motif], truth[has_motif])
    n = int(has_motif.sum())
    return {
        "auroc_mean": float(np.mean(auroc)) if n else float("nan"),
        "auroc_sd": float(np.std(auroc, ddof=1)) if n > 1 else float("nan"),
        "auprc_mean": float(np.mean(auprc)) if n else float("nan"),
        "n": n,
    }
