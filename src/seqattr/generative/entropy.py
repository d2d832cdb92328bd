"""The exact entropy floor of a synthetic positive set, and each sequence's true log-probability.

Both generators (`clean`: sets.synthetic_positive_set; `paper`: paper_protocol) draw the
L - k positions without a motif uniformly over the 20 residues, and the k implanted
positions from a mixture of a signal and a noise distribution. Within both, a
configuration of the k positions has a probability that depends only on its presence
vector v (which positions hold their token), and there are 19^(k - |v|) configurations
with a given v. So, per configuration with presence v,

    p(v) = w * p_signal(v) + (1 - w) * p_noise(v),   w = n_signal / (n_signal + n_noise),

    clean:  p_signal(v) = [logic holds for v] / (#holding v * 19^(k - |v|))
    paper:  p_signal(v) = mean over the authors' patterns P of prod_i g(P_i, v_i),
            g(present, 1) = 1, g(present, 0) = 0, g(absent, .) = 1/20
    noise:  uniform over the configurations whose v is not excluded
            (clean: v satisfies the logic; paper: v is one of the patterns),

and the set's entropy per sequence is H = -sum_v 19^(k - |v|) p(v) ln p(v) + (L - k) ln 20.
The generative LSTM predicts L residues and END (which is certain), so the lowest
expected NLL per predicted token is H / (L + 1): the floor its held-out NLL is measured
against. E.g. clean AND at 2 of 16 positions with w = 0.5:
(ln 2 + 15 ln 20 + 0.5 ln(399/400)) / 17 = 2.6840 nats per token.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from seqattr.generative.alphabet import AMINO_ACIDS
from seqattr.generative.paper_protocol import paper_counts, paper_patterns
from seqattr.generative.sets import logic_holds

N_RESIDUES = len(AMINO_ACIDS)
PROTOCOLS = ("clean", "paper")


def _logic_holds(logic: str, presence) -> bool:
    return logic_holds(logic, tuple(bool(x) for x in presence))


def presence_vectors(k: int) -> np.ndarray:
    """All 2^k presence vectors (rows), in itertools.product order."""
    return np.array(list(itertools.product([0, 1], repeat=k)), dtype=np.int64)


def configuration_probabilities(protocol: str, logic: str, k: int, signal_weight: float) -> np.ndarray:
    """p(v): the probability of ONE configuration of the k implanted positions with presence
    vector v, for each row of `presence_vectors(k)` (the module docstring's formula)."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol {protocol!r}: allowed {PROTOCOLS}")
    vectors = presence_vectors(k)
    multiplicity = float(N_RESIDUES - 1) ** (k - vectors.sum(axis=1))
    if protocol == "clean":
        excluded = np.array([_logic_holds(logic, v) for v in vectors])
        signal = np.where(excluded, 1.0 / (excluded.sum() * multiplicity), 0.0)
    else:
        patterns = np.array(paper_patterns(logic, k), dtype=np.int64)
        excluded = np.array([any((v == p).all() for p in patterns) for v in vectors])
        per_pattern = np.where(patterns[None, :, :] == 1, (vectors[:, None, :] == 1).astype(float), 1.0 / N_RESIDUES)
        signal = per_pattern.prod(axis=2).mean(axis=1)
    allowed = (~excluded) * multiplicity
    noise = np.where(~excluded, 1.0 / allowed.sum(), 0.0) if allowed.sum() else np.zeros(len(vectors))
    probability = signal_weight * signal + (1 - signal_weight) * noise
    total = (probability * multiplicity).sum()
    if not math.isclose(total, 1.0, rel_tol=1e-9):
        raise AssertionError(f"configuration probabilities sum to {total}, not 1")
    return probability


def signal_weight(protocol: str, n: int, signal_to_noise: float, n_signal: int = 10_000) -> float:
    """The mixture weight w of the signal part, from the counts each generator draws."""
    if protocol == "paper":
        signal, noise = paper_counts(n_signal, signal_to_noise)
        return signal / (signal + noise)
    return int(round(n * signal_to_noise)) / n


def entropy_per_sequence(protocol: str, logic: str, length: int, k: int, weight: float) -> float:
    """H in nats of one sequence of `length` residues with k implanted positions."""
    probability = configuration_probabilities(protocol, logic, k, weight)
    multiplicity = float(N_RESIDUES - 1) ** (k - presence_vectors(k).sum(axis=1))
    positive = probability > 0
    implanted = -(multiplicity[positive] * probability[positive] * np.log(probability[positive])).sum()
    return float(implanted + (length - k) * math.log(N_RESIDUES))


def entropy_floor(protocol: str, logic: str, length: int, k: int, weight: float) -> float:
    """The lowest expected NLL per predicted token (L residues + END), nats."""
    return entropy_per_sequence(protocol, logic, length, k, weight) / (length + 1)


def true_token_nll(sequences: list[str], protocol: str, logic: str, positions, tokens, weight: float) -> np.ndarray:
    """Each sequence's NLL per predicted token under the generator itself: -ln p(x) / (L + 1).

    Averaged over held-out sequences it is the NLL a perfect model would score on them, so
    model NLL minus this, on the same sequences, estimates the model's excess (its KL
    divergence from the generator per token) with the sample's own noise cancelled.
    """
    positions = [int(p) for p in positions]
    k = len(positions)
    probability = configuration_probabilities(protocol, logic, k, weight)
    codes = np.array([[row[p - 1] for p in positions] for row in sequences])
    presence = (codes == np.array(list(tokens))[None, :]).astype(np.int64) if len(sequences) else np.zeros((0, k))
    index = presence @ (1 << np.arange(k - 1, -1, -1))  # row number in presence_vectors order
    lengths = np.array([len(s) for s in sequences])
    with np.errstate(divide="ignore"):
        log_p = np.log(probability[index]) - (lengths - k) * math.log(N_RESIDUES)
    return -log_p / (lengths + 1)
