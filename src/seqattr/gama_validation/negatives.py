"""Non-binders as ground truth: how binders differ from non-binders, per position and
per position x residue, and GAMA profiles scored against it.

The generative model sees binders only; a sort's negative gate gives what it never saw.
Per aligned column (a residue position of equal-length sets, or an IMGT CDR3 position
of mixed-length ones, `generative.imgt`), with a pseudocount `PSEUDOCOUNT` per residue:

- log_odds[c, r] = ln f_binders(c, r) - ln f_non-binders(c, r);
- kl[c] = KL(f_binders(c) || f_non-binders(c)) in nats, the per-position truth; its
  bootstrap interval (percentile) resamples the sequences of both sets. The KL of finite
  samples is biased upwards, more so in a resample, so for a column without a real
  difference the interval can sit above the estimate: read it as the estimate's noise;
- a **supervised baseline**: an L2 logistic regression on one-hot columns, binders vs
  non-binders (classes weighted to equal total weight), whose per-position importance is
  the mean over binders of |w[c, r_c] - mean_r w[c, r]| (the binder's residue against an
  average residue there);
- a second supervised baseline, `cnn_ig` (`gama_validation.supervised`, optional): a small 1-D CNN
  on the same one-hot columns, attributed with Integrated Gradients on the binders; NaN,
  with its convergence columns saying why, when the CNN did not converge.

`compare` scores every GAMA scoring's profile against each truth: Spearman rho over the
columns, the permutation p (`gama_validation.permutation.permutation_p`), the top-k
overlap and the rho of each replicate's profile.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from seqattr.generative.alphabet import AMINO_ACIDS
from seqattr.gama.columns import PSEUDOCOUNT, columns_of, frequencies, one_hot  # noqa: F401 (re-exported)
from seqattr.gama_validation.permutation import permutation_p
from seqattr.gama_validation.supervised import CnnOptions, cnn_ig_truth
from seqattr.generative.sets import drop_shared  # noqa: F401 (re-exported)

TRUTHS = ("kl", "logistic", "cnn_ig")


def kl_per_column(binder_counts: np.ndarray, non_binder_counts: np.ndarray,
                  pseudocount: float = PSEUDOCOUNT) -> np.ndarray:
    p, q = frequencies(binder_counts, pseudocount), frequencies(non_binder_counts, pseudocount)
    return (p * np.log(p / q)).sum(axis=1)


def log_odds(binder_counts: np.ndarray, non_binder_counts: np.ndarray, pseudocount: float = PSEUDOCOUNT):
    return np.log(frequencies(binder_counts, pseudocount)) - np.log(frequencies(non_binder_counts, pseudocount))


def bootstrap_kl(binders: np.ndarray, non_binders: np.ndarray, draws: int, seed, level: float = 0.95):
    """(ci_low, ci_high) per column of the KL over `draws` resamples of both sets' sequences."""
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(draws):
        b = np.bincount(rng.integers(0, len(binders), len(binders)), minlength=len(binders))
        n = np.bincount(rng.integers(0, len(non_binders), len(non_binders)), minlength=len(non_binders))
        values.append(kl_per_column(np.tensordot(b, binders, axes=1), np.tensordot(n, non_binders, axes=1)))
    tail = (1 - level) / 2
    values = np.array(values)
    return np.quantile(values, tail, axis=0), np.quantile(values, 1 - tail, axis=0)


def logistic_weights(binders: np.ndarray, non_binders: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """(C, 20) weights of an L2 logistic regression (with an unpenalised intercept) of binder
    (1) vs non-binder (0) on one-hot columns, each class weighted to half the total
    (scikit-learn's "balanced"), penalty 0.5 l2 |w|^2 per sequence: C = 1 / l2."""
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([binders, non_binders]).reshape(len(binders) + len(non_binders), -1).astype(float)
    y = np.concatenate([np.ones(len(binders)), np.zeros(len(non_binders))])
    model = LogisticRegression(C=1.0 / l2, class_weight="balanced", solver="lbfgs", max_iter=2000, tol=1e-6)
    model.fit(x, y)
    return model.coef_[0].reshape(binders.shape[1], binders.shape[2])


def logistic_importance(weights: np.ndarray, binders: np.ndarray) -> np.ndarray:
    """(C,) mean over binders having the column of |w[c, r_c] - mean_r w[c, r]|."""
    centred = np.abs(weights - weights.mean(axis=1, keepdims=True))  # (C, 20)
    present = binders.sum(axis=2)  # (N, C)
    contribution = (binders * centred[None]).sum(axis=2)
    with np.errstate(invalid="ignore"):
        return contribution.sum(axis=0) / present.sum(axis=0)


def truth_tables(binder_sequences, non_binder_sequences, imgt: bool, draws: int = 200, seed: int = 0,
                 l2: float = 1.0, cnn: dict | None = None, threads: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per column: column, n_binders, n_non_binders, kl, kl_ci_low, kl_ci_high, logistic
    and, when `cnn` (`gama.supervised.CnnOptions` or its dict) is given and enabled, cnn_ig
    with the CNN's cnn_ig_criterion, cnn_ig_converged, cnn_ig_val_auroc,
    cnn_ig_val_accuracy, cnn_ig_epochs and cnn_ig_best_epoch (one value, repeated);
    per column x residue: column, residue, log_odds, logistic_weight) of the two sets."""
    labels, aligned_b = columns_of(list(binder_sequences) + list(non_binder_sequences), imgt)
    n_b = len(list(binder_sequences))
    b, n = one_hot(aligned_b[:n_b], len(labels)), one_hot(aligned_b[n_b:], len(labels))
    counts_b, counts_n = b.sum(axis=0), n.sum(axis=0)
    low, high = bootstrap_kl(b, n, draws, seed) if draws else (np.full(len(labels), np.nan),) * 2
    weights = logistic_weights(b, n, l2)
    per_column = pd.DataFrame({"column": labels, "n_binders": counts_b.sum(axis=1),
                               "n_non_binders": counts_n.sum(axis=1), "kl": kl_per_column(counts_b, counts_n),
                               "kl_ci_low": low, "kl_ci_high": high, "logistic": logistic_importance(weights, b)})
    if cnn is not None:
        options = cnn if isinstance(cnn, CnnOptions) else CnnOptions.from_dict(cnn)
        if options.enabled:
            importance, summary = cnn_ig_truth(b, n, options, threads=threads)
            per_column = per_column.assign(
                cnn_ig=importance, cnn_ig_criterion=summary["criterion"], cnn_ig_converged=summary["converged"],
                cnn_ig_val_auroc=summary["val_auroc"], cnn_ig_val_accuracy=summary["val_accuracy"],
                cnn_ig_epochs=summary["epochs"], cnn_ig_best_epoch=summary["best_epoch"])
    odds = log_odds(counts_b, counts_n)
    per_residue = pd.DataFrame({"column": np.repeat(labels, len(AMINO_ACIDS)),
                                "residue": np.tile(list(AMINO_ACIDS), len(labels)),
                                "log_odds": odds.ravel(), "logistic_weight": weights.ravel()})
    return per_column, per_residue


def _rho(x, y) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = np.isfinite(x) & np.isfinite(y)
    if keep.sum() < 3 or np.ptp(x[keep]) == 0 or np.ptp(y[keep]) == 0:
        return float("nan")
    return float(stats.spearmanr(x[keep], y[keep]).statistic)


def _top(values, labels, k: int) -> set:
    order = np.argsort(-np.where(np.isfinite(values), values, -np.inf), kind="stable")
    return {labels[i] for i in order[:k]}


def compare(profile: pd.DataFrame, replicates: pd.DataFrame | None, truth: pd.DataFrame, column: str,
            scoring: list[str], top: int = 4, draws: int = 10_000, seed: int = 0) -> pd.DataFrame:
    """One row per scoring and truth: spearman_rho (mean profile), permutation_p, top-`top`
    overlap, rho per replicate (mean, sd, min, max), n_columns, and truth_converged (False
    for a `cnn_ig` truth whose CNN did not converge: its importance is NaN, and so are the
    rho, p and overlap). Truths absent from `truth` (cnn_ig when off) get no rows. `column`
    names the profile's column that holds the truth's labels (position or imgt_position)."""
    rows = []
    for key, part in profile.groupby(scoring, sort=False):
        joined = part.assign(_c=part[column].astype(str)).merge(truth, left_on="_c", right_on="column")
        mine = None
        if replicates is not None:
            own = replicates.merge(pd.DataFrame([dict(zip(scoring, key))]), on=scoring)
            own = own.assign(_c=own[column].astype(str)).merge(truth, left_on="_c", right_on="column")
        for name in [t for t in TRUTHS if t in truth.columns]:
            if replicates is not None:
                # a NaN rho (a truth that did not converge) counts as no replicate, not as a warning
                mine = [r for r in (_rho(p["importance"], p[name]) for _, p in own.groupby("replicate"))
                        if np.isfinite(r)]
            labels, values = joined["_c"].tolist(), joined[name].to_numpy(float)
            overlap = (len(_top(joined["importance"].to_numpy(), labels, top) & _top(values, labels, top))
                       if np.isfinite(values).any() else np.nan)
            rows.append({**dict(zip(scoring, key)), "truth": name,
                         # a truth without convergence columns (kl, logistic) has no model that could fail to fit
                         "truth_converged": bool(truth[f"{name}_converged"].iloc[0])
                         if f"{name}_converged" in truth.columns else True,
                         "spearman_rho": _rho(joined["importance"], joined[name]),
                         "permutation_p": permutation_p(joined["importance"], joined[name], draws, seed),
                         f"top{top}_overlap": overlap,
                         "rho_replicate_mean": np.nanmean(mine) if mine else np.nan,
                         "rho_replicate_sd": np.nanstd(mine, ddof=1) if mine and len(mine) > 1 else np.nan,
                         "rho_replicate_min": np.nanmin(mine) if mine else np.nan,
                         "rho_replicate_max": np.nanmax(mine) if mine else np.nan,
                         "n_columns": int(joined[name].notna().sum())})
    return pd.DataFrame(rows)
