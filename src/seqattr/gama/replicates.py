"""GAMA with error bars: K model replicates and a bootstrap over the attributed sequences.

Each replicate is its own pair of models (initial and trained, seeded `generative.training.seed
+ replicate - 1`: its own initialisation, validation split and batch order); they share
only the data. Per scoring (mode, readout, metric, reduction) and residue position:

- importance: the mean over replicates of each replicate's profile; sd: their standard
  deviation (ddof 1; NaN for one replicate);
- ci_low, ci_high: a percentile bootstrap interval of that mean over the attributed
  sequences: draw b resamples the sequences (with replacement, the same rows for the
  initial and the trained model) in every replicate, recomputes each replicate's profile
  and averages them; the interval holds the central `level` of those B means;
- top4_replicates: the share of replicates whose profile ranks the position in the top 4;
  top4_bootstrap: the same share over every replicate's B bootstrap profiles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from seqattr.gama.metric import baseline_scoring, importance_profile, score_from_moments, scoring_profiles
from seqattr.gama.vocabulary import BASELINE_METRICS, MOMENT_METRICS, metric_kind

SCORING = ["mode", "readout", "metric", "reduction"]
TOP = 4


class _Resampler:
    """`metric.moments` of a resample of the sequences given only how often each is drawn.

    Each model's IG is sorted over sequences once; a draw's median is then read from the
    cumulative counts in that order, and means and variances are count-weighted sums, so
    a draw costs a few passes over the tensor instead of two selections per model. The
    z-normalisation commutes with the median and scales the variance, so the moments of
    the resample's z-scores follow from its raw ones. Equal to `moments(trained[rows],
    initial[rows])` to rounding (tests/test_gama_replicates.py)."""

    def __init__(self, values: torch.Tensor):
        self.values = values.double()
        self.sorted, self.order = torch.sort(self.values, dim=0)
        self.squares = self.values ** 2

    def _order_statistic(self, cumulative: torch.Tensor, rank: int) -> torch.Tensor:
        index = (cumulative < rank).sum(dim=0, keepdim=True)  # first sorted slot whose count reaches rank
        return self.sorted.gather(0, index)[0]

    def moments(self, counts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(median, variance with ddof 1) per entry of the resample's z-scores."""
        n = int(counts.sum())
        weights = counts.to(self.values.dtype)[:, None, None]
        entries = self.values[0].numel()
        total, squares = (weights * self.values).sum(0), (weights * self.squares).sum(0)
        mean = total.sum() / (n * entries)
        sd = torch.sqrt(((squares.sum() - n * entries * mean ** 2)) / (n * entries - 1))
        variance = (squares - total ** 2 / n) / (n - 1)
        cumulative = counts[self.order].cumsum(dim=0)
        low = self._order_statistic(cumulative, (n + 1) // 2)
        median = low if n % 2 else (low + self._order_statistic(cumulative, n // 2 + 1)) / 2
        return (median - mean) / sd, variance / sd ** 2


def bootstrap_profiles(ig_trained: dict, ig_initial: dict, metrics, reductions, draws: int,
                       seed, ig_null: dict | None = None, information: torch.Tensor | None = None) -> pd.DataFrame:
    """Long table (mode, readout, metric, reduction, draw, position, importance) of `draws`
    bootstrap profiles: each draw resamples the attributed sequences with replacement
    (seeded by `seed`, an int or a list of ints; the same rows for every model) and
    recomputes every scoring, as `scoring_profiles(..., rows=...)` would. The metrics
    that read a null model's IG or the information baseline need `ig_null` (same keys)
    and `information`, each sequence's information terms (N, L) (`information.sequence_information`),
    whose resampled mean is the draw's information profile; `information` itself (a
    baseline, it reads no IG) is one row per draw (`metric.baseline_scoring`)."""
    columns = SCORING + ["draw", "position", "importance"]
    if draws < 1:
        return pd.DataFrame(columns=columns)
    n = next(iter(ig_trained.values())).shape[0]
    rng = np.random.default_rng(seed)
    moment_metrics = set(metrics) & set(MOMENT_METRICS)
    samplers = {key: (_Resampler(ig_trained[key]), _Resampler(ig_initial[key])) for key in ig_trained} \
        if moment_metrics else {}
    keys, values = [], []
    for draw in range(1, draws + 1):
        rows = rng.integers(0, n, size=n)
        counts = torch.from_numpy(np.bincount(rows, minlength=n))
        resampled_information = information[torch.from_numpy(rows)].mean(dim=0) if information is not None else None
        for index, key in enumerate(ig_trained):
            profiles = {}
            if moment_metrics:
                trained, initial = samplers[key]
                (median_t, var_t), (median_i, var_i) = trained.moments(counts), initial.moments(counts)
                shared = ((median_t - median_i).abs(), var_t + var_i)
                for metric in metrics:
                    if metric in MOMENT_METRICS:
                        matrix = score_from_moments(shared, metric)
                        profiles.update({(metric, r): importance_profile(matrix, r) for r in reductions})
            others = [metric for metric in metrics if metric not in MOMENT_METRICS + BASELINE_METRICS]
            if others:  # the spread metrics and the sums with information, from the resampled rows
                profiles.update({(metric, reduction): profile for (_, _, metric, reduction), _, profile in
                                 scoring_profiles({key: ig_trained[key]}, {key: ig_initial[key]}, others, reductions,
                                                  rows=torch.from_numpy(rows),
                                                  ig_null={key: ig_null[key]} if ig_null is not None else None,
                                                  information=resampled_information)})
            for metric in metrics:
                if metric in BASELINE_METRICS:  # reads no IG: one row per draw, where the first key has it
                    if index == 0:
                        scoring, _, profile = baseline_scoring(metric, resampled_information)
                        keys.append((*scoring, draw))
                        values.append(profile.numpy())
                    continue
                for reduction in reductions:
                    keys.append((*key, metric, reduction, draw))
                    values.append(profiles[(metric, reduction)].numpy())
    length = len(values[0])
    frame = pd.DataFrame(np.repeat(np.array(keys, dtype=object), length, axis=0), columns=SCORING + ["draw"])
    frame["draw"] = frame["draw"].astype(int)
    frame["position"] = np.tile(np.arange(1, length + 1), len(values))
    frame["importance"] = np.concatenate(values)
    return frame[columns]


def _in_top(frame: pd.DataFrame, by: list[str], top: int = TOP) -> pd.Series:
    """Whether each row's importance is among the `top` largest of its group (NaN last, ties by position)."""
    ranks = frame.assign(_v=frame["importance"].fillna(-np.inf)).sort_values(by + ["position"], kind="stable")
    ranks = ranks.groupby(by, sort=False)["_v"].rank(ascending=False, method="first")
    return (ranks <= top).reindex(frame.index)


def summarise_replicates(profiles: pd.DataFrame, bootstraps: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """One row per scoring and position from the replicates' profiles (with a `replicate`
    column) and bootstrap tables (the same, with `draw`): importance (mean), sd, ci_low,
    ci_high, rank (of the mean), top4_replicates, top4_bootstrap, replicates."""
    profiles = profiles.copy()
    profiles["_top"] = _in_top(profiles, SCORING + ["replicate"])
    keys = SCORING + ["position"]
    summary = (profiles.groupby(keys, sort=False)
               .agg(importance=("importance", "mean"), sd=("importance", "std"),
                    top4_replicates=("_top", "mean"), replicates=("replicate", "nunique"))
               .reset_index())
    if len(bootstraps):
        boot = bootstraps.copy()
        boot["_top"] = _in_top(boot, SCORING + ["replicate", "draw"])
        means = boot.groupby(keys + ["draw"], sort=False)["importance"].mean().reset_index()
        tail = (1 - level) / 2
        interval = (means.groupby(keys, sort=False)["importance"]
                    .agg(ci_low=lambda v: v.quantile(tail), ci_high=lambda v: v.quantile(1 - tail)).reset_index())
        frequency = boot.groupby(keys, sort=False)["_top"].mean().rename("top4_bootstrap").reset_index()
        summary = summary.merge(interval, on=keys, how="left").merge(frequency, on=keys, how="left")
    else:
        summary = summary.assign(ci_low=np.nan, ci_high=np.nan, top4_bootstrap=np.nan)
    summary["rank"] = (summary.groupby(SCORING, sort=False)["importance"]
                       .rank(ascending=False, method="first", na_option="bottom").astype(int))
    return summary[keys + ["importance", "sd", "ci_low", "ci_high", "rank", "top4_replicates", "top4_bootstrap",
                           "replicates"]]


def convergence_summary(states: list[dict]) -> dict:
    """The replicates' convergence (`engine.kept_epoch` each) as columns beside every result:
    criterion, converged (True only when every replicate met it), converged_replicates
    ("k/K"), train_nll, val_nll, excess_nll, nll_gap (means over replicates, nats per
    token; nll_gap, held-out - train at the kept epoch, where the replicates have it) and
    nll_gap_max (the largest replicate's gap)."""
    met = sum(bool(s["converged"]) for s in states)
    return {"criterion": states[0]["criterion"], "converged": met == len(states),
            "converged_replicates": f"{met}/{len(states)}",
            "train_nll": float(np.mean([s["train_nll"] for s in states])),
            "val_nll": float(np.mean([s["val_nll"] for s in states])),
            "excess_nll": float(np.mean([s["excess_nll"] for s in states])),
            **({"nll_gap": float(np.mean([s["nll_gap"] for s in states])),
                "nll_gap_max": float(np.max([s["nll_gap"] for s in states]))}
               if all("nll_gap" in s and pd.notna(s["nll_gap"]) for s in states) else {})}


def set_summary(profiles: pd.DataFrame, bootstraps: pd.DataFrame, level: float,
                convergence_columns) -> tuple[pd.DataFrame, dict]:
    """(the set's profile over its replicates, their convergence or {}): `summarise_replicates`
    with each metric's kind, for a CDR3 set each position's IMGT number and how many
    sequences it has, the information baseline's background per metric, the replicates'
    convergence (`convergence_summary` of their `convergence_columns`, when recorded) and
    the attributed sequences."""
    summary = summarise_replicates(profiles, bootstraps, level)
    # what each scoring is (`vocabulary.metric_kind`): gama, gama+baseline or baseline
    summary.insert(summary.columns.get_loc("reduction") + 1, "kind", summary["metric"].map(metric_kind))
    if "imgt_position" in profiles:
        numbers = dict(zip(profiles["position"], profiles["imgt_position"]))
        summary.insert(summary.columns.get_loc("position") + 1, "imgt_position", summary["position"].map(numbers))
        contributing = profiles.groupby("position")["n_sequences"].first()
        summary["n_sequences"] = summary["position"].map(contributing)
    if "information_background" in profiles:
        background = profiles.groupby("metric")["information_background"].first().fillna("")
        summary.insert(summary.columns.get_loc("kind") + 1, "information_background",
                       summary["metric"].map(background).fillna(""))
    states = profiles.drop_duplicates("replicate")
    state = {}
    if "criterion" in profiles:
        state = convergence_summary(states[[c for c in convergence_columns if c in states]].to_dict("records"))
        summary = summary.assign(**state)
    return summary.assign(n_attributed=int(states["n_attributed"].iloc[0])), state


def mean_matrix(matrices: pd.DataFrame) -> pd.DataFrame:
    """The replicates' stacked matrix tables as one: per (mode, readout, metric, output,
    input) the mean score and its sd over replicates."""
    keys = ["mode", "readout", "metric", "output_pos", "input_pos"]
    return matrices.groupby(keys, sort=False, dropna=False)["score"].agg(score="mean", sd="std").reset_index()
