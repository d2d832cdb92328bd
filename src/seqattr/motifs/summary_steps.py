"""The motifs stage's steps that need no torch (motif_database, motif_summary): the matching
database and the summaries over every classifier's tables; their rules run in the light
environment (workflow/envs/tables.yaml)."""

from __future__ import annotations

import logging

import pandas as pd

from seqattr.io import atomic_path, read_table, write_table
from seqattr.motifs.database import combine_meme, jaspar_motifs, read_meme, write_meme
from seqattr.motifs.recall import OVERLAP_COLUMNS, RECALL_COLUMNS, baseline_overlap, planted_recall

log = logging.getLogger(__name__)


def motif_database(output, *, release: str, path: str | None = None) -> None:
    """The matching database as a MEME file: `path` (checked to be MEME) or JASPAR CORE
    vertebrates of `release` from pyjaspar's bundled copy."""
    motifs = read_meme(path) if path else jaspar_motifs(release)
    log.info("motif database: %d motifs from %s", len(motifs), path or f"JASPAR {release} CORE vertebrates")
    with atomic_path(output) as tmp:
        write_meme(motifs, tmp)


def motif_summary(recall_output, overlap_output, *, tables: list[dict], enrichment_files: dict[str, str],
                  planted: dict[str, dict[str, str]], q_threshold: float,
                  combined_meme: dict[str, tuple[list[str], str]] | None = None) -> None:
    """planted_recall.tsv (synthetic datasets) and baseline_overlap.tsv (every dataset), and
    per dataset one MEME file of every (classifier, method)'s discovered motifs
    (`combined_meme`: dataset -> (its MEME files, the combined file)).

    Each entry of `tables`: dataset, model, mask_ratio, seed, attribution (the method) and
    its motifs.tsv `path`;
    `planted`: dataset -> planted motif name -> its consensus.
    """
    recalls, overlaps = [], []
    for entry in tables:
        table = read_table(entry["path"])
        key = {"dataset": entry["dataset"], "model": entry["model"], "mask_ratio": float(entry["mask_ratio"]),
               "seed": int(entry["seed"]), "method": entry["attribution"]}
        if planted.get(entry["dataset"]):
            ids = {name: f"planted_{sequence}" for name, sequence in planted[entry["dataset"]].items()}
            recalls.append(planted_recall(table, ids, q_threshold).assign(**key))
        # Class names stay text ('0' and '1' are names, not numbers).
        enrichment_table = read_table(enrichment_files[entry["dataset"]], dtype={"class": str, "enriched_in": str})
        overlaps.append(baseline_overlap(table, enrichment_table, q_threshold).assign(**key))
    write_table(pd.concat(recalls, ignore_index=True)[RECALL_COLUMNS] if recalls
                else pd.DataFrame(columns=RECALL_COLUMNS), recall_output)
    write_table(pd.concat(overlaps, ignore_index=True)[OVERLAP_COLUMNS] if overlaps
                else pd.DataFrame(columns=OVERLAP_COLUMNS), overlap_output)
    for paths, output in (combined_meme or {}).values():
        combine_meme(paths, output)
