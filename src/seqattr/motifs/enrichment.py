"""The model-free baseline: known-motif enrichment between the classes.

FIMO (memelite) scans every database motif over the sequences (both strands, p <
`threshold` per site); a sequence "has" a motif when it has at least one site. Per motif,
Fisher's exact test (two-sided) of has-motif vs class, for each class against the rest,
Benjamini-Hochberg over all motifs and classes. Which TFs the data alone point to, before
any model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact

from seqattr.motifs.database import Motif
from seqattr.motifs.matching import bh_qvalues

ENRICHMENT_COLUMNS = ["target_id", "target_name", "family", "class", "with_motif", "n_class", "with_motif_rest",
                      "n_rest", "odds_ratio", "p_value", "q_value", "enriched_in"]


def motif_presence(database: list[Motif], onehot: np.ndarray, threshold: float = 1e-4) -> np.ndarray:
    """(n_motifs, N) bool: whether each sequence of float one-hot (N, 4, L) has a FIMO site."""
    from memelite.fimo import fimo

    motifs = {str(i): motif.ppm for i, motif in enumerate(database)}
    hits = fimo(motifs, np.ascontiguousarray(onehot, dtype=np.float32), threshold=threshold)
    presence = np.zeros((len(database), len(onehot)), dtype=bool)
    for i, table in enumerate(hits):
        if len(table):
            presence[i, np.asarray(table["sequence_name"], dtype=np.int64)] = True
    return presence


def enrichment_table(database: list[Motif], presence: np.ndarray, labels: np.ndarray,
                     classes: list[str]) -> pd.DataFrame:
    """Fisher's test per motif and class (the class vs the rest), BH q over all rows;
    classes: one row per class with more than two classes, the first class only with two
    (the test of the second is the same one)."""
    labels = np.asarray(labels)
    tested = range(len(classes)) if len(classes) > 2 else range(1)
    rows = []
    for i, motif in enumerate(database):
        for k in tested:
            inside = labels == k
            a, n_in = int(presence[i, inside].sum()), int(inside.sum())
            b, n_out = int(presence[i, ~inside].sum()), int((~inside).sum())
            odds, p = fisher_exact([[a, n_in - a], [b, n_out - b]])
            # Where the motif is more frequent: the class, or (two classes) the other one.
            other = classes[1 - k] if len(classes) == 2 else "rest"
            enriched_in = classes[k] if a * n_out > b * n_in else other if a * n_out < b * n_in else ""
            rows.append({"target_id": motif.id, "target_name": motif.name, "family": motif.family,
                         "class": classes[k], "with_motif": a, "n_class": n_in, "with_motif_rest": b,
                         "n_rest": n_out, "odds_ratio": odds, "p_value": p, "enriched_in": enriched_in})
    table = pd.DataFrame(rows, columns=ENRICHMENT_COLUMNS)
    table["q_value"] = bh_qvalues(table["p_value"].to_numpy())
    return table.sort_values(["q_value", "target_id"], kind="stable").reset_index(drop=True)
