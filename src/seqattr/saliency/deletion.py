"""The perturbation test summarised: does a saliency method find positions that matter?

From the perturbation table (accuracy after removing the top-, random- or bottom-ranked
k% of positions), per dataset, model, mask ratio and method, over seeds (with how many of
the seeds' classifiers early stopping ended, `stopped_early`, rather than the epoch cap):

- the accuracy left at one fraction k (the paper's claim is about removing the most
  salient positions: `fraction`, 0.2 by default), top, random and bottom, mean and SD;
- `cost_top` and `cost_random`: intact accuracy minus that (points lost), and their
  ratio `top_over_random` (how much more the salient positions cost than random ones);
- `share_to_chance`: cost_top / (intact - chance), how far removing the top k% takes
  accuracy from intact (0) towards chance (1);
- the deletion curve's area `auc_<order>`: accuracy integrated over the fractions
  removed (trapezoid rule) divided by the range of fractions, i.e. the mean accuracy
  along the curve. For `top`, lower means a more faithful ranking; one number ranks
  methods (Samek et al. 2017's AOPC on the same curve is intact minus this area).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from seqattr.saliency import ORDERS

CLASSIFIER_KEYS = ["dataset", "model", "mask_ratio", "seed"]
GROUP_KEYS = ["dataset", "model", "mask_ratio", "method"]
DELETION_COLUMNS = [
    "dataset", "model", "mask_ratio", "method", "seeds", "stopped_early", "fraction", "intact_mean",
    "top_mean", "top_sd", "random_mean", "random_sd", "bottom_mean", "bottom_sd",
    "cost_top", "cost_random", "top_over_random", "share_to_chance",
    "auc_top_mean", "auc_top_sd", "auc_random_mean", "auc_bottom_mean",
]
DIGITS = 6


def deletion_area(fractions: np.ndarray, accuracy: np.ndarray) -> float:
    """Mean accuracy along a deletion curve: its trapezoid area over the fraction range."""
    order = np.argsort(fractions)
    fractions, accuracy = np.asarray(fractions, float)[order], np.asarray(accuracy, float)[order]
    span = fractions[-1] - fractions[0]
    if span <= 0:
        raise ValueError("a deletion curve needs at least two different fractions")
    return float(np.trapezoid(accuracy, fractions) / span)


def curve_areas(table: pd.DataFrame) -> pd.DataFrame:
    """One deletion area per classifier, method and order (columns ... order, auc)."""
    rows = []
    for key, curve in table.groupby(CLASSIFIER_KEYS + ["method", "order"], sort=False):
        rows.append((*key, deletion_area(curve["fraction"].to_numpy(), curve["accuracy"].to_numpy())))
    return pd.DataFrame(rows, columns=CLASSIFIER_KEYS + ["method", "order", "auc"])


def deletion_summary(table: pd.DataFrame, fraction: float, chance: dict[str, float]) -> pd.DataFrame:
    """DELETION_COLUMNS, one row per dataset, model, mask ratio and method.

    `table`: the perturbation table (PERTURBATION_COLUMNS); `fraction`: the k reported,
    one of the table's fractions; `chance`: each dataset's majority-class accuracy.
    """
    fractions = set(np.round(table["fraction"].astype(float), 9))
    if round(float(fraction), 9) not in fractions or 0.0 not in fractions:
        raise ValueError(f"the perturbation table has fractions {sorted(fractions)}; the summary needs 0 and {fraction}")
    at = table[np.isclose(table["fraction"], fraction)]
    intact = table[table["fraction"] == 0].groupby(CLASSIFIER_KEYS + ["method"])["accuracy"].first()
    wide = at.pivot_table(index=CLASSIFIER_KEYS + ["method"], columns="order", values="accuracy")
    wide = wide.reindex(columns=list(ORDERS)).join(intact.rename("intact"))
    areas = curve_areas(table).pivot_table(index=CLASSIFIER_KEYS + ["method"], columns="order", values="auc")
    wide = wide.join(areas.reindex(columns=list(ORDERS)).add_prefix("auc_"))
    if "stopped_early" in table:
        wide = wide.join(table.groupby(CLASSIFIER_KEYS + ["method"])["stopped_early"].first())
    wide = wide.reset_index()
    rows = []
    for key, group in wide.groupby(GROUP_KEYS, sort=False):
        intact_mean = group["intact"].mean()
        level = chance.get(key[0], np.nan)
        ended_early = int(group["stopped_early"].astype(bool).sum()) if "stopped_early" in group else None
        row = dict(zip(GROUP_KEYS, key), seeds=len(group), stopped_early=ended_early, fraction=float(fraction),
                   intact_mean=intact_mean)
        for order in ORDERS:
            row[f"{order}_mean"], row[f"{order}_sd"] = group[order].mean(), group[order].std(ddof=1)
        row["cost_top"] = intact_mean - row["top_mean"]
        row["cost_random"] = intact_mean - row["random_mean"]
        row["top_over_random"] = row["cost_top"] / row["cost_random"] if row["cost_random"] > 0 else np.nan
        row["share_to_chance"] = row["cost_top"] / (intact_mean - level) if intact_mean > level else np.nan
        row.update(auc_top_mean=group["auc_top"].mean(), auc_top_sd=group["auc_top"].std(ddof=1),
                   auc_random_mean=group["auc_random"].mean(), auc_bottom_mean=group["auc_bottom"].mean())
        rows.append(row)
    summary = pd.DataFrame(rows, columns=DELETION_COLUMNS)
    numeric = [c for c in DELETION_COLUMNS if c not in GROUP_KEYS + ["seeds", "stopped_early", "fraction"]]
    return summary.round({c: DIGITS for c in numeric})
