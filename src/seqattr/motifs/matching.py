"""TOMTOM matches of discovered patterns against a motif database, with BH q-values.

memelite's TOMTOM returns p-values only; the q-values here are Benjamini-Hochberg over
each query's p-values against every target (as MEME's tomtom reports them per query).
Its p-values use the target columns as background, so the database is always a whole
collection (JASPAR CORE vertebrates), never a handful of motifs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from seqattr.motifs.database import Motif
from seqattr.motifs.discovery import Pattern, passes

MATCH_COLUMNS = ["motif", "sign", "n_seqlets", "consensus", "information", "passed", "rank", "target_id",
                 "target_name", "family", "p_value", "q_value", "offset", "strand"]


def bh_qvalues(p_values) -> np.ndarray:
    """Benjamini-Hochberg q-values (step-up, monotone, at most 1) of a 1-D array; NaN stays NaN."""
    p = np.asarray(p_values, dtype=np.float64)
    q = np.full(p.shape, np.nan)
    finite = np.flatnonzero(~np.isnan(p))
    if not len(finite):
        return q
    order = finite[np.argsort(p[finite], kind="stable")]
    m = len(order)
    scaled = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return q


def tomtom_alignments(queries: list[np.ndarray], targets: list[np.ndarray]):
    """(p-values, offsets, strands), each (n_queries, n_targets), of TOMTOM (both strands) on
    (4, w) PPMs. The best alignment puts the query's first column on the target's column
    `offset` (negative: before the target's start), of the target reverse complemented
    where the strand is 1."""
    from memelite.tomtom import tomtom

    if not queries:
        empty = np.zeros((0, len(targets)))
        return empty, empty.astype(np.int64), empty.astype(np.int64)
    p_values, _, offsets, _, strands = tomtom([np.asarray(q, dtype=np.float64) for q in queries],
                                              [np.asarray(t, dtype=np.float64) for t in targets])[:5]
    return (np.asarray(p_values, dtype=np.float64), np.asarray(offsets).astype(np.int64),
            np.asarray(strands).astype(np.int64))


def match_table(patterns: list[Pattern], database: list[Motif], *, min_seqlets: int, min_information: float,
                min_mean_information: float = 0.0, top: int = 3) -> pd.DataFrame:
    """One row per (pattern, rank) for its `top` best targets (passed patterns), or one row
    with empty match fields for a pattern that did not pass the filters."""
    matched = [pattern for pattern in patterns if passes(pattern, min_seqlets, min_information, min_mean_information)]
    p_values, offsets, strands = tomtom_alignments([pattern.ppm for pattern in matched],
                                                   [motif.ppm for motif in database])
    best = {}
    for row, pattern in enumerate(matched):
        q = bh_qvalues(p_values[row])
        order = np.argsort(p_values[row], kind="stable")[:top]
        best[pattern.name] = [(rank + 1, database[j], p_values[row, j], q[j], offsets[row, j],
                               "-" if strands[row, j] else "+") for rank, j in enumerate(order)]
    rows = []
    for pattern in patterns:
        common = {"motif": pattern.name, "sign": pattern.sign, "n_seqlets": pattern.n_seqlets,
                  "consensus": pattern.consensus, "information": round(pattern.information, 3),
                  "passed": pattern.name in best}
        if pattern.name not in best:
            rows.append({**common, "rank": np.nan, "target_id": "", "target_name": "", "family": "",
                         "p_value": np.nan, "q_value": np.nan, "offset": np.nan, "strand": ""})
            continue
        for rank, motif, p, q, offset, strand in best[pattern.name]:
            rows.append({**common, "rank": rank, "target_id": motif.id, "target_name": motif.name,
                         "family": motif.family, "p_value": p, "q_value": q, "offset": offset, "strand": strand})
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)
