"""The exact entropy floor of the synthetic generators and the authors' generator, reproduced."""

import hashlib
import itertools
import math
import random
from collections import Counter

import numpy as np
import pytest

from seqattr.generative.alphabet import AMINO_ACIDS
from seqattr.generative.entropy import (entropy_floor, entropy_per_sequence, signal_weight, true_token_nll)
from seqattr.generative.paper_protocol import (PAPER_PATTERNS, PAPER_TOKENS, paper_attributed_indices, paper_counts,
                                               paper_positive_set)
from seqattr.generative.sets import logic_holds, synthetic_positive_set

TOKENS = [AMINO_ACIDS[t - 1] for t in PAPER_TOKENS]


def brute_force_distribution(protocol, logic, k, weight):
    """p(sequence) of k implanted positions and nothing else (L = k), by walking every
    random draw each generator makes: a different code path from entropy.py's formula."""
    residues = range(20)
    tokens = [t - 1 for t in PAPER_TOKENS[:k]]
    signal, noise = Counter(), Counter()
    if protocol == "paper":
        patterns = PAPER_PATTERNS[logic][k]
        for draw in itertools.product(residues, repeat=k):  # L randint draws, then the pattern index
            for pattern in patterns:
                row = tuple(t if present else r for r, t, present in zip(draw, tokens, pattern))
                signal[row] += 1 / (20 ** k * len(patterns))
        accepted = [d for d in itertools.product(residues, repeat=k)
                    if tuple(int(r == t) for r, t in zip(d, tokens)) not in set(patterns)]
    else:
        holding = [p for p in itertools.product([False, True], repeat=k) if logic_holds(logic, p)]
        for pattern in holding:  # pattern, then each absent position one of the other 19
            choices = [[t] if present else [r for r in residues if r != t] for t, present in zip(tokens, pattern)]
            options = list(itertools.product(*choices))
            for row in options:
                signal[row] += 1 / (len(holding) * len(options))
        accepted = [d for d in itertools.product(residues, repeat=k)
                    if not logic_holds(logic, tuple(r == t for r, t in zip(d, tokens)))]
    for row in accepted:  # rejection sampling = uniform over the accepted draws
        noise[row] += 1 / len(accepted)
    return {row: weight * signal[row] + (1 - weight) * noise[row] for row in set(signal) | set(noise)}


@pytest.mark.parametrize("protocol", ["clean", "paper"])
@pytest.mark.parametrize("logic, k", [("AND", 2), ("OR", 2), ("XOR", 2), ("OR", 3), ("XOR", 3), ("NAND", 2)])
def test_entropy_matches_brute_force_enumeration(protocol, logic, k):
    weight = 0.3
    distribution = brute_force_distribution(protocol, logic, k, weight)
    assert sum(distribution.values()) == pytest.approx(1.0)
    expected = -sum(p * math.log(p) for p in distribution.values() if p > 0)
    assert entropy_per_sequence(protocol, logic, k, k, weight) == pytest.approx(expected, rel=1e-12)
    # each sequence's log-probability too, on a few configurations
    for row in list(distribution)[:50]:
        sequence = "".join(AMINO_ACIDS[r] for r in row)
        nll = true_token_nll([sequence], protocol, logic, list(range(1, k + 1)), TOKENS[:k], weight)[0]
        assert nll == pytest.approx(-math.log(distribution[row]) / (k + 1), rel=1e-12)


def test_floor_of_the_issue_example_and_of_uniform_residues():
    # AND at residues 2 and 4 of 16, half signal: (ln 2 + 15 ln 20 + 0.5 ln(399/400)) / 17
    expected = (math.log(2) + 15 * math.log(20) + 0.5 * math.log(399 / 400)) / 17
    assert entropy_floor("clean", "AND", 16, 2, 0.5) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(2.6840, abs=1e-4)
    # all signal under AND: the two positions are fixed, 14 uniform residues
    assert entropy_floor("clean", "AND", 16, 2, 1.0) == pytest.approx(14 * math.log(20) / 17)


@pytest.mark.parametrize("protocol, logic, positions, snr", [
    ("clean", "OR", (2, 3), 0.4), ("clean", "XOR", (1, 2, 3), 0.6),
    ("paper", "OR", (1, 2, 3), 0.5), ("paper", "AND", (2, 3), 0.2),
])
def test_monte_carlo_matches_the_floor_and_the_class_frequencies(protocol, logic, positions, snr):
    """Sequences drawn by the generators themselves: their mean true NLL is the floor, and
    each presence class appears as often as the formula says."""
    length = 4
    if protocol == "paper":
        frame, truth = paper_positive_set(length, positions, logic, snr, seed=3, n_signal=20_000)
        weight = signal_weight("paper", len(frame), snr, n_signal=20_000)
    else:
        frame, truth = synthetic_positive_set(length, 60_000, positions, logic, snr, seed=3, tokens=TOKENS[:len(positions)])
        weight = signal_weight("clean", len(frame), snr)
    sequences = frame["sequence"].tolist()
    nll = true_token_nll(sequences, protocol, logic, positions, truth["token"].tolist(), weight)
    floor = entropy_floor(protocol, logic, length, len(positions), weight)
    standard_error = nll.std() / math.sqrt(len(nll))
    assert abs(nll.mean() - floor) < 4 * standard_error
    assert np.isfinite(nll).all()


def test_paper_generator_equals_the_authors_sequences():
    """Fingerprints of the authors' generate_data (csi-greifflab/GAMA, ExperimentsSynthetic)
    with 300 signal sequences, length 16, seed 0, taken by running their function once."""
    cases = [("OR", (7, 9, 11), 0.5, 600, "96b759c9a83df7d6", "GVFWRQPQIVDDQMLS"),
             ("XOR", (2, 3, 4, 5), 0.2, 1500, "838e3892de15cf5e", "ADVGFVCKFWWVHSEM"),
             ("AND", (2, 4), 0.3, 1000, "413c1696eed43bd0", "WVEQKYGPCAKTMGLW")]
    for logic, positions, snr, n, digest, last in cases:
        frame, truth = paper_positive_set(16, positions, logic, snr, seed=0, n_signal=300)
        sequences = frame["sequence"].tolist()
        assert len(sequences) == n and sequences[-1] == last
        assert hashlib.sha256("\n".join(sequences).encode()).hexdigest()[:16] == digest
        assert frame["is_signal"].sum() == 300 and frame["is_signal"].iloc[:300].all()
        assert truth["token"].tolist() == TOKENS[:len(positions)]


def test_paper_generator_keeps_the_or3_slip_and_its_counts():
    frame, _ = paper_positive_set(6, (1, 2, 3), "OR", 0.5, seed=1, n_signal=4000)
    presence = Counter(tuple(int(s[i] == t) for i, t in enumerate(TOKENS[:3])) for s in frame["sequence"])
    signal = Counter(tuple(int(s[i] == t) for i, t in enumerate(TOKENS[:3]))
                     for s in frame["sequence"][frame["is_signal"]])
    noise = Counter(tuple(int(s[i] == t) for i, t in enumerate(TOKENS[:3]))
                    for s in frame["sequence"][~frame["is_signal"]])
    assert len(PAPER_PATTERNS["OR"][3]) == 6 and (1, 0, 0) not in PAPER_PATTERNS["OR"][3]
    # only-the-first-token is never a signal pattern, so it appears in signal only by chance
    # (absent positions are uniform: the token 1 time in 20) and is allowed in noise
    assert noise[(1, 0, 0)] > 0 and sum(noise[p] for p in PAPER_PATTERNS["OR"][3]) == 0
    assert signal[(1, 1, 1)] > signal[(1, 0, 0)]
    assert sum(presence.values()) == len(frame) == 8000
    assert paper_counts(10_000, 0.3) == (10_000, 23_333)


def test_paper_attributed_sample_uses_their_arithmetic():
    index = paper_attributed_indices(10_000, 0.9)
    assert len(index) == 900 + 99  # int(1000 * (1 - 0.9)) == 99
    assert index[:3].tolist() == [0, 1, 2] and index[900:903].tolist() == [10_000, 10_001, 10_002]
    assert len(paper_attributed_indices(10_000, 1.0)) == 1000


def test_paper_generator_refuses_what_the_authors_do_not_define():
    with pytest.raises(ValueError, match="2 to 4"):
        paper_positive_set(16, (1, 2, 3, 4, 5), "AND", 1.0)
    with pytest.raises(ValueError, match="logic 'XNOR'"):
        paper_positive_set(16, (1, 2), "XNOR", 1.0)


def test_same_python_random_stream_as_the_authors():
    """The generator draws with Python's random in the authors' order: the first residues
    are randint(1, 20) draws of random.Random(seed)."""
    frame, _ = paper_positive_set(5, (4, 5), "AND", 1.0, seed=7, n_signal=1)
    rng = random.Random(7)
    first = [rng.randint(1, 20) for _ in range(5)]
    assert frame["sequence"].iloc[0][:3] == "".join(AMINO_ACIDS[t - 1] for t in first[:3])
