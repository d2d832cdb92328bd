"""The null model of the `null_spread` metric: an LSTM trained on the set with its columns shuffled.

Shuffling each residue column across sequences independently keeps every position's
residue counts exactly and destroys every dependency between positions. A model trained
on that set to its own entropy floor has learned the per-position frequencies and the
sequence layout (START, L residues, END), as the real model has, and nothing else; the
real model's attributions beyond the null model's are what the dependencies add
(`metric.spread_matrix`).

Its floor is known exactly: the shuffled set is a draw of the product of its columns'
residue frequencies f_p, so each sequence's NLL per predicted token (L residues and END,
which is certain at a fixed length) is -sum_p ln f_p(r_p) / (L + 1).
"""

from __future__ import annotations

import numpy as np


def column_shuffled(sequences: list[str], seed: int) -> list[str]:
    """`sequences` (all of one length) with each column permuted independently (seeded)."""
    lengths = {len(s) for s in sequences}
    if len(lengths) > 1:
        raise ValueError(f"column shuffling needs sequences of one length, got lengths {sorted(lengths)}")
    if not sequences:
        return []
    columns = np.array([list(s) for s in sequences])
    rng = np.random.default_rng(seed)
    for column in range(columns.shape[1]):
        columns[:, column] = rng.permutation(columns[:, column])
    return ["".join(row) for row in columns]


def column_frequency_nll(sequences: list[str]) -> np.ndarray:
    """Each sequence's NLL per predicted token under the product of the set's own column
    frequencies: -sum_p ln f_p(r_p) / (L + 1). The generator's own NLL of a column-shuffled
    set, which `train_lstm` measures the null model's excess against."""
    if not sequences:
        return np.zeros(0)
    columns = np.array([list(s) for s in sequences])
    n, length = columns.shape
    nll = np.zeros(n)
    for column in range(length):
        _, inverse, counts = np.unique(columns[:, column], return_inverse=True, return_counts=True)
        nll -= np.log(counts[inverse] / n)
    return nll / (length + 1)


def train_null_model(sequences: list[str], training: dict, seed: int, retries: int = 2):
    """(null model, history): the column-shuffled set trained to its own floor with the same
    settings and seed as the real model, so it starts from the same initial weights
    (`engine.train_to_floor`: the null model is a measuring instrument, so a run that stops
    above the tolerance is trained again at half the learning rate, up to `retries` times).
    The history is the kept run's (the closest to the floor), with its learning_rate in every row."""
    from seqattr.generative.engine import train_to_floor

    shuffled = column_shuffled(sequences, seed)
    _, model, history = train_to_floor(shuffled, training, seed, column_frequency_nll(shuffled), retries)
    return model, history
