"""Planted-motif recall on synthetic data, and the overlap of model motifs with the
enrichment baseline.

A planted motif is recalled by a (classifier, method) when it is the best TOMTOM match
(rank 1, q < q_threshold, against JASPAR plus the planted motifs) of at least one of the
discovered patterns that passed the filters. A passed pattern whose best match has q >=
q_threshold is unmatched; one whose best match is a JASPAR motif is counted apart
(a planted motif can resemble JASPAR's, e.g. the E-box).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RECALL_COLUMNS = ["dataset", "model", "mask_ratio", "seed", "method", "planted", "recalled", "discovered",
                  "consensus", "best_match", "q_value", "recall", "n_passed", "n_unmatched", "n_jasparonly"]
OVERLAP_COLUMNS = ["dataset", "model", "mask_ratio", "seed", "method", "motif", "sign", "consensus", "target_id",
                   "target_name", "family", "q_value", "baseline_q", "baseline_class", "in_baseline"]


def best_matches(table: pd.DataFrame) -> pd.DataFrame:
    """The rank-1 row of each passed pattern of a motifs.tsv table."""
    passed = table[table["passed"].astype(bool)]
    return passed[passed["rank"] == 1]


def planted_recall(table: pd.DataFrame, planted: dict[str, str], q_threshold: float = 0.05) -> pd.DataFrame:
    """Per planted motif (name -> target id in the database): recalled, by which pattern, at which q."""
    best = best_matches(table)
    significant = best[best["q_value"] < q_threshold]
    rows = []
    for name, target_id in planted.items():
        hits = significant[significant["target_id"] == target_id].sort_values("q_value", kind="stable")
        if len(hits):
            hit = hits.iloc[0]
            rows.append({"planted": name, "recalled": True, "discovered": hit["motif"], "consensus": hit["consensus"],
                         "best_match": hit["target_name"], "q_value": hit["q_value"]})
        else:
            # Not a best match at q < threshold: the planted motif's lowest q at any rank, if listed.
            listed = table[table["target_id"] == target_id].sort_values("q_value", kind="stable")
            hit = listed.iloc[0] if len(listed) else None
            rows.append({"planted": name, "recalled": False,
                         "discovered": "" if hit is None else hit["motif"],
                         "consensus": "" if hit is None else hit["consensus"],
                         "best_match": "", "q_value": np.nan if hit is None else hit["q_value"]})
    result = pd.DataFrame(rows)
    result["recall"] = result["recalled"].mean() if len(result) else np.nan
    planted_ids = set(planted.values())
    result["n_passed"] = len(best)
    result["n_unmatched"] = int((best["q_value"] >= q_threshold).sum())
    result["n_jasparonly"] = int(((best["q_value"] < q_threshold) & ~best["target_id"].isin(planted_ids)).sum())
    return result


def baseline_overlap(table: pd.DataFrame, enrichment: pd.DataFrame, q_threshold: float = 0.05) -> pd.DataFrame:
    """Each passed pattern's best match at q < q_threshold beside that motif's enrichment
    baseline (its lowest q over the tests and the class it is more frequent in)."""
    best = best_matches(table)
    best = best[best["q_value"] < q_threshold]
    baseline = enrichment.sort_values("q_value", kind="stable").drop_duplicates("target_id")
    baseline = baseline.set_index("target_id")
    rows = []
    for _, row in best.iterrows():
        known = row["target_id"] in baseline.index
        q = baseline.loc[row["target_id"], "q_value"] if known else np.nan
        rows.append({"motif": row["motif"], "sign": row["sign"], "consensus": row["consensus"],
                     "target_id": row["target_id"], "target_name": row["target_name"], "family": row["family"],
                     "q_value": row["q_value"], "baseline_q": q,
                     "baseline_class": baseline.loc[row["target_id"], "enriched_in"] if known else "",
                     "in_baseline": bool(known and q < q_threshold)})
    return pd.DataFrame(rows, columns=OVERLAP_COLUMNS[5:])
