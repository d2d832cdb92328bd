"""The model-free baselines: per-position scores from a set's sequences alone, no model and
no IG, that a GAMA scoring is judged against (`vocabulary.MODEL_FREE_BASELINES`): the
logo (column information) and the pairwise scores of `pairwise` (mutual information and
Potts couplings, each with the average-product correction) reduced to positions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from seqattr.gama.columns import N_RESIDUES, RESIDUES
from seqattr.gama.edges import position_scores, symmetric_to_edges
from seqattr.gama.vocabulary import MODEL_FREE_BASELINES, Scoring
from seqattr.gama_validation.pairwise import apc, mutual_information, potts_couplings


@dataclass
class Scored:
    """One scoring of an experiment: its key (`vocabulary.Scoring.key`; a model-free
    baseline: "-" for the IG fields), its per-position profile, its residue edge matrix
    (L, L) or None, and the null draws (D, L, L) or None."""

    key: tuple[str, str, str, str, str]
    profile: np.ndarray
    edges: np.ndarray | None = None
    null_edges: np.ndarray | None = None


def logo_information(sequences: list[str]) -> np.ndarray:
    """(L,) ln 20 - H(f_p) of the residue frequencies f_p at each position of `sequences`
    (all of one length), in nats: the height of a sequence logo's column."""
    columns = np.array([list(s) for s in sequences])
    counts = (columns[:, :, None] == RESIDUES[None, None, :]).sum(axis=0)  # (L, 20)
    frequencies = counts / counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.nansum(np.where(frequencies > 0, frequencies * np.log(frequencies), 0.0), axis=1)
    return math.log(N_RESIDUES) - entropy


def model_free_scores(sequences: list[str], names) -> list[Scored]:
    """The model-free baselines on `sequences`: logo (column information, no edges),
    mi_apc and potts_apc (edge matrices; per position the larger of its two roles, each
    the max over its partners)."""
    results = []
    for name in names:
        if name not in MODEL_FREE_BASELINES:
            raise ValueError(f"model-free baseline {name!r}: allowed {MODEL_FREE_BASELINES}")
        if name == "logo":
            results.append(Scored(Scoring.of_baseline("logo").key, np.asarray(logo_information(sequences),
                                                                                 dtype=float)))
            continue
        matrix = apc(mutual_information(sequences) if name == "mi_apc" else potts_couplings(sequences))
        edges = symmetric_to_edges(matrix)
        results.append(Scored(Scoring.of_baseline(name, "max").key, position_scores(edges, "max"), edges))
    return results
