"""Edge-level output of a scoring: ranked residue pairs, their null distribution, and
detection measures that need no k.

A scoring's edge matrix (`gama.edges.residue_edges` of a GAMA matrix, or
`gama.edges.symmetric_to_edges` of a model-free pair score) becomes `edge_table`: one row
per residue pair (input i < output o) with its score and rank, whether it was planted (a
synthetic set), and where the null model's draws for the same entry put it.

The null distribution of an entry (`null_edge_draws`). The null model is the same LSTM
trained on a set with the column marginals only, so whatever it scores is what a model
with no dependency scores. For a scoring that compares the trained model with a reference
(gama, effect_size and spread against the initial model), an entry's null draws are the
same metric computed with the null model in place of the trained one against the same
reference, on D bootstrap resamples of the attributed sequences (the same rows for both
models). For a scoring whose reference is the null model itself (null_spread and the
scorings built on it), the stand-in is the null model against itself on two independent
resamples: what the metric gives when both sides have no dependency and differ only by
sampling. Only the IG tensors already computed are resampled; no IG pass is added.

Measures without k: `edge_auprc` (average precision of the planted pairs among every
entry), `position_auroc` (planted positions among every position, from a per-position
score such as `gama.edges.position_scores`) and `threshold_fpr` (on the null set, the
share of positions the modified-z threshold rule flags: all of them are false).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import average_precision_score, roc_auc_score

from seqattr.gama.edges import position_scores, residue_edges, symmetric_to_edges, upper_mask
from seqattr.gama.metric import score_matrix
from seqattr.gama.vocabulary import NULL_METRICS
from seqattr.gama_validation.detection import DEFAULT_THRESHOLD_Z, modified_z

__all__ = ["residue_edges", "symmetric_to_edges", "position_scores", "edge_table", "edge_auprc", "position_auroc",
           "threshold_fpr", "null_edge_draws"]

EDGE_COLUMNS = ["input", "output", "score", "rank", "planted", "null_mean", "null_sd", "null_p"]


def edge_table(edges, planted=None, null_edges=None) -> pd.DataFrame:
    """One row per residue pair input < output of an edge matrix (L, L), best first:
    input, output (1-based), score, rank (1 = highest; NaN scores last; ties by (input,
    output)); with `planted` (a set of (input, output) pairs) a bool column `planted`; with
    `null_edges` (D, L, L), the entry's null draws (`null_edge_draws`): null_mean, null_sd
    (ddof 1) and null_p = (1 + #draws >= score) / (1 + D), over the draws where the entry
    is defined (NaN for a NaN score). Columns absent when their argument is None."""
    values = np.asarray(edges, dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise ValueError(f"expected a square (L, L) edge matrix, got {values.shape}")
    length = values.shape[0]
    inputs, outputs = np.nonzero(upper_mask(length))
    frame = pd.DataFrame({"input": inputs + 1, "output": outputs + 1, "score": values[inputs, outputs]})
    if planted is not None:
        planted = _check_pairs(planted, length)
        frame["planted"] = [(i, o) in planted for i, o in zip(frame["input"], frame["output"])]
    if null_edges is not None:
        draws = np.asarray(null_edges, dtype=float)
        if draws.ndim != 3 or draws.shape[1:] != (length, length):
            raise ValueError(f"null draws of shape {draws.shape}, expected (D, {length}, {length})")
        entries = draws[:, inputs, outputs]  # (D, entries)
        finite = np.isfinite(entries)
        with warnings.catch_warnings():  # entries no draw defines get NaN null columns
            warnings.simplefilter("ignore", RuntimeWarning)
            frame["null_mean"] = np.nanmean(entries, axis=0)
            frame["null_sd"] = np.nanstd(entries, axis=0, ddof=1)
        at_least = (finite & (entries >= frame["score"].to_numpy()[None, :])).sum(axis=0)
        frame["null_p"] = np.where(np.isfinite(frame["score"]), (1 + at_least) / (1 + finite.sum(axis=0)), np.nan)
    # rank: highest score first, NaN last, ties by (input, output), which is the frame's order
    order = np.lexsort((np.arange(len(frame)), -np.nan_to_num(frame["score"].to_numpy(), nan=-np.inf)))
    frame["rank"] = 0
    frame.loc[order, "rank"] = np.arange(1, len(frame) + 1)
    columns = [c for c in EDGE_COLUMNS if c in frame.columns]
    return frame.iloc[order][columns].reset_index(drop=True)


def edge_auprc(table: pd.DataFrame) -> float:
    """Average precision (sklearn `average_precision_score`) of the planted pairs against
    the score over every entry of an `edge_table` (NaN scores rank last); NaN when no
    entry is planted."""
    if "planted" not in table.columns:
        raise ValueError("the edge table has no planted column (edge_table(..., planted=...))")
    planted = table["planted"].to_numpy(dtype=bool)
    if not planted.any():
        return float("nan")
    return float(average_precision_score(planted, _last_for_nan(table["score"].to_numpy(dtype=float))))


def position_auroc(scores, planted_positions) -> float:
    """ROC AUC (sklearn `roc_auc_score`) of the planted positions (1-based) against a
    per-position score (L,), NaN scores lowest; NaN when all or no positions are planted."""
    values = np.asarray(scores, dtype=float)
    planted = np.zeros(len(values), dtype=bool)
    positions = [int(p) for p in planted_positions]
    bad = [p for p in positions if not 1 <= p <= len(values)]
    if bad:
        raise ValueError(f"planted positions {bad} outside 1..{len(values)} (positions are 1-based)")
    planted[np.array(positions, dtype=int) - 1] = True
    if planted.all() or not planted.any():
        return float("nan")
    return float(roc_auc_score(planted, _last_for_nan(values)))


def threshold_fpr(scores, threshold_z: float = DEFAULT_THRESHOLD_Z) -> float:
    """Share of all positions whose modified z-score (`detection.modified_z`) exceeds
    `threshold_z`: on the null set, where nothing is planted, every flag is false."""
    z = modified_z(scores)
    if len(z) == 0:
        raise ValueError("no positions")
    return float(np.mean(z > threshold_z))


def null_edge_draws(ig_null, ig_reference, metric: str, draws: int = 50, seed: int = 0) -> np.ndarray:
    """(D, L, L) null draws of every edge entry for a scoring of `metric` (module
    docstring): the metric's matrix with the null model's IG `ig_null` (N, T, T) in place of
    the trained model's, on `draws` bootstrap resamples of the N sequences (seeded by
    `seed`), each reduced to edges (`residue_edges`).

    `ig_reference` is the IG (N, T, T) of the model the scoring compares the trained model
    with, when that is not the null model (the initial model, for gama, effect_size and
    spread): null[rows] against reference[rows], the same rows. None when the reference is
    the null model (a scoring under reference "null"); the metrics that read the null model
    (`vocabulary.NULL_METRICS`) always are, and ignore `ig_reference`: null[rows_a] against
    null[rows_b], two independent resamples."""
    if metric == "information":
        raise ValueError("metric 'information' has no matrix: it reads the model, not its IG")
    if draws < 1:
        raise ValueError(f"draws {draws} < 1")
    against_null = metric in NULL_METRICS or ig_reference is None
    if not against_null and ig_reference.shape != ig_null.shape:
        raise ValueError(f"IG shapes differ: {tuple(ig_null.shape)} vs {tuple(ig_reference.shape)}")
    n = ig_null.shape[0]
    rng = np.random.default_rng(seed)
    results = []
    for _ in range(draws):
        rows = torch.from_numpy(rng.integers(0, n, size=n))
        if against_null:
            reference = ig_null[torch.from_numpy(rng.integers(0, n, size=n))]
        else:
            reference = ig_reference[rows]
        # the reference fills both slots: the null metrics read it as ig_null, the others as the initial model
        matrix = score_matrix(ig_null[rows], reference, metric, ig_null=reference)
        results.append(residue_edges(matrix.numpy()))
    return np.stack(results)


def _check_pairs(planted, length: int) -> set[tuple[int, int]]:
    pairs = {(int(i), int(o)) for i, o in planted}
    bad = sorted(p for p in pairs if not 1 <= p[0] < p[1] <= length)
    if bad:
        raise ValueError(f"planted edges {bad} are not (input, output) pairs with 1 <= input < output <= {length}")
    return pairs


def _last_for_nan(scores: np.ndarray) -> np.ndarray:
    """Scores with NaN below every finite score (sklearn refuses NaN and inf)."""
    finite = scores[np.isfinite(scores)]
    floor = finite.min() - 1.0 if finite.size else 0.0
    return np.where(np.isfinite(scores), scores, floor)

