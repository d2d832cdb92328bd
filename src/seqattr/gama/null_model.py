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

A set of mixed lengths (CDR3s) is shuffled within each length stratum (`length_stratified_shuffled`):
the sequences of one length swap residues column by column among themselves, so every
length keeps its own per-position frequencies f_(L,p) and how many sequences have it,
P(L). The shuffled set is then a draw of: a length L with probability P(L), then each
column independently, and its floor per sequence is -(ln P(L) + sum_p ln f_(L,p)(r_p)) /
(L + 1): END is no longer certain, so the length's probability is part of it.

On real sets the floor is an in-sample one (the frequencies include the held-out
sequences, and a rare residue or a small length stratum is fitted exactly), so a null
model stops above it on its held-out plateau; its excess is reported, not required.
"""

from __future__ import annotations

import numpy as np

from seqattr.generative.engine import train_to_floor


def column_shuffled(sequences: list[str], seed) -> list[str]:
    """`sequences` (all of one length) with each column permuted independently (seeded by
    an int or a list of ints)."""
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


def length_stratified_shuffled(sequences: list[str], seed: int) -> list[str]:
    """`sequences` of any lengths with each length stratum's columns permuted independently
    (`column_shuffled` per stratum, seeded by (seed, length)); every sequence keeps its
    place and length. A set of one length is shuffled exactly as `column_shuffled` does."""
    lengths = sorted({len(s) for s in sequences})
    if len(lengths) <= 1:
        return column_shuffled(sequences, seed)
    shuffled = list(sequences)
    for length in lengths:
        places = [i for i, s in enumerate(sequences) if len(s) == length]
        for place, sequence in zip(places, column_shuffled([sequences[i] for i in places], [seed, length])):
            shuffled[place] = sequence
    return shuffled


def stratified_frequency_nll(sequences: list[str]) -> np.ndarray:
    """Each sequence's NLL per predicted token under its length stratum's column frequencies
    and the share of sequences of that length: -(ln P(L) + sum_p ln f_(L,p)(r_p)) / (L + 1),
    the floor of a `length_stratified_shuffled` set. For one length, `column_frequency_nll`."""
    lengths = np.array([len(s) for s in sequences])
    if len(set(lengths.tolist())) <= 1:
        return column_frequency_nll(sequences)
    nll = np.zeros(len(sequences))
    for length in np.unique(lengths):
        places = np.flatnonzero(lengths == length)
        share = len(places) / len(sequences)
        nll[places] = column_frequency_nll([sequences[i] for i in places]) - np.log(share) / (length + 1)
    return nll


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
    """(null model, history): the column-shuffled set (per length stratum, for mixed lengths)
    trained to its own floor with the same settings and seed as the real model, so it
    starts from the same initial weights (`engine.train_to_floor`: the null model is a
    measuring instrument, so a run that stops above the tolerance is trained again at half
    the learning rate, up to `retries` times; 0 on real sets, whose in-sample floor a
    held-out plateau does not reach). The history is the kept run's (the closest to the
    floor), with its learning_rate in every row."""
    shuffled = length_stratified_shuffled(sequences, seed)
    _, model, history = train_to_floor(shuffled, training, seed, stratified_frequency_nll(shuffled), retries)
    return model, history
