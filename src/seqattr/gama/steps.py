"""The GAMA workflow step: IG of the initial and trained model on a set, matrix and profile."""

from __future__ import annotations

import logging
import time

import pandas as pd
import torch

from seqattr.gama.ig import gama_ig_modes
from seqattr.gama.metric import gama_matrix, importance_profile, matrix_table, profile_table
from seqattr.generative.alphabet import tokenize
from seqattr.generative.train import load_model
from seqattr.io import read_table, write_table

log = logging.getLogger(__name__)


def attributed_sequences(sequences: list[str], max_sequences: int | None, seed: int) -> list[str]:
    """A seeded subset of at most `max_sequences` (all when None), in file order."""
    if max_sequences is None or len(sequences) <= max_sequences:
        return sequences
    keep = torch.randperm(len(sequences), generator=torch.Generator().manual_seed(seed))[:max_sequences]
    return [sequences[i] for i in sorted(keep.tolist())]


def run_gama(initial_path, trained_path, sequences_path, modes, quadrature: str, steps: int, batch_size: int,
             max_sequences: int | None, seed: int, matrix_path, profile_path, threads: int = 1,
             device: str = "auto") -> None:
    torch.set_num_threads(threads)
    sequences = attributed_sequences(read_table(sequences_path)["sequence"].tolist(), max_sequences, seed)
    tokens = tokenize(sequences)
    matrices, profiles = [], []
    ig = {}
    for name, path in (("initial", initial_path), ("trained", trained_path)):
        started = time.perf_counter()
        ig[name] = gama_ig_modes(load_model(path), tokens, modes, quadrature, steps, batch_size, device)
        log.info("IG of the %s model on %d sequences (%s, %s x %d): %.1f s", name, len(sequences),
                 "+".join(modes), quadrature, steps, time.perf_counter() - started)
    for mode in modes:
        matrix = gama_matrix(ig["trained"][mode], ig["initial"][mode])
        profile = importance_profile(matrix)
        matrices.append(matrix_table(matrix, mode))
        profiles.append(profile_table(profile, mode))
        top = profiles[-1].sort_values("rank").position.head(4).tolist()
        log.info("%s mode: top positions %s", mode, top)
    write_table(pd.concat(matrices).round({"score": 6}), matrix_path)
    write_table(pd.concat(profiles).round({"importance": 6}), profile_path)
