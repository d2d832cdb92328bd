"""The GAMA authors' synthetic generator and attributed sample, reproduced exactly.

What `ExperimentsSynthetic/generate_data.py` and `ig_single_exp_2crit.py` of
csi-greifflab/GAMA do, and how it differs from `sets.synthetic_positive_set` (our `clean`
protocol):

* Counts: `n_signal` signal sequences (10,000) plus round(n_signal / s - n_signal) noise
  sequences, so the set grows as the signal share s falls (clean: a fixed total).
* Signal: a pattern drawn uniformly from the logic's list below; a position the pattern
  marks present gets its token, an absent one keeps its uniformly random residue, which
  is the token itself one time in 20 (clean: absent = one of the other 19 residues).
* Noise: uniform random sequences, rejection-sampled until they match none of the list's
  patterns, where a pattern matches when its present positions hold their token and its
  absent positions do not.
* The lists are the authors', in their order (the order fixes which pattern a random
  index picks). Two slips are kept on purpose, because they are what the paper ran:
  OR with 3 positions lacks "only the first token present" (a nested list in their code
  leaves six patterns instead of seven), so that pattern never appears as signal and is
  allowed as noise; NAND with 4 positions lacks "no token present" (14 of 15 patterns).
  The paper's grid uses AND, OR and XOR.
* Randomness: Python's `random` seeded with the seed, in the authors' call order, so the
  sequences are theirs exactly (their scripts always pass seed 0).
* Attributed sample: the first int(n * s) signal sequences and the first int(n * (1 - s))
  noise sequences of the list (n = 1,000), with their float arithmetic (n = 1,000 and
  s = 0.9 gives 900 + 99).
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from seqattr.generative.alphabet import AMINO_ACIDS

# The authors implant residue tokens 12, 10, 8, 6 (1-based over AMINO_ACIDS): N, L, I, G.
PAPER_TOKENS = (12, 10, 8, 6)

# Presence patterns (1 = token present) of each logic and motif size, in the authors' order.
PAPER_PATTERNS: dict[str, dict[int, tuple[tuple[int, ...], ...]]] = {
    "AND": {2: ((1, 1),), 3: ((1, 1, 1),), 4: ((1, 1, 1, 1),)},
    "OR": {
        2: ((1, 1), (1, 0), (0, 1)),
        # the slip: (1, 0, 0) is missing
        3: ((1, 1, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1), (0, 0, 1), (0, 1, 0)),
        4: ((1, 1, 1, 1), (0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 0, 1), (1, 1, 1, 0), (0, 0, 1, 1), (1, 0, 0, 1),
            (1, 1, 0, 0), (0, 1, 1, 0), (0, 1, 0, 1), (1, 0, 1, 0), (0, 0, 0, 1), (0, 0, 1, 0), (0, 1, 0, 0),
            (1, 0, 0, 0)),
    },
    "XOR": {
        2: ((1, 0), (0, 1)),
        3: ((0, 0, 1), (0, 1, 0), (1, 0, 0)),
        4: ((0, 0, 0, 1), (0, 0, 1, 0), (0, 1, 0, 0), (1, 0, 0, 0)),
    },
    "NAND": {
        2: ((0, 0), (1, 0), (0, 1)),
        3: ((0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0), (0, 0, 1), (1, 0, 0), (0, 1, 0)),
        # the slip: (0, 0, 0, 0) is missing
        4: ((0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 0, 1), (1, 1, 1, 0), (0, 0, 1, 1), (0, 1, 0, 1), (0, 1, 1, 0),
            (1, 0, 0, 1), (1, 0, 1, 0), (1, 1, 0, 0), (0, 0, 0, 1), (0, 0, 1, 0), (0, 1, 0, 0), (1, 0, 0, 0)),
    },
}


def paper_patterns(logic: str, n_positions: int) -> tuple[tuple[int, ...], ...]:
    """The authors' pattern list; ValueError for a logic or size their generator does not define."""
    if logic not in PAPER_PATTERNS:
        raise ValueError(f"logic {logic!r}: the authors' generator defines {', '.join(PAPER_PATTERNS)}")
    if n_positions not in PAPER_PATTERNS[logic]:
        raise ValueError(f"{n_positions} implanted positions: the authors' generator defines 2 to 4")
    return PAPER_PATTERNS[logic][n_positions]


def paper_counts(n_signal: int, signal_to_noise: float) -> tuple[int, int]:
    """(signal, noise) sequence counts of the authors' generator."""
    return n_signal, round(n_signal / signal_to_noise - n_signal)


def paper_positive_set(length: int, positions, logic: str, signal_to_noise: float, seed: int = 0,
                       n_signal: int = 10_000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The authors' set: (frame with id, sequence, is_signal in their order, signal first;
    truth with position, token). positions are 1-based residue positions."""
    positions = [int(p) for p in positions]
    patterns = paper_patterns(logic, len(positions))
    if min(positions) < 1 or max(positions) > length or len(set(positions)) != len(positions):
        raise ValueError(f"positions {positions}: give distinct positions in 1..{length}")
    if not 0 < signal_to_noise <= 1:
        raise ValueError(f"signal_to_noise {signal_to_noise}: must be in (0, 1]")
    tokens = PAPER_TOKENS[: len(positions)]
    columns = [p - 1 for p in positions]
    rng = random.Random(seed)
    rows = []
    for _ in range(n_signal):
        row = [rng.randint(1, 20) for _ in range(length)]
        pattern = patterns[rng.randrange(0, len(patterns))]
        for column, token, present in zip(columns, tokens, pattern):
            if present:
                row[column] = token
        rows.append(row)
    # Rejection sampling, as theirs: a draw is kept when it matches none of the patterns.
    pattern_set = set(patterns)
    for _ in range(paper_counts(n_signal, signal_to_noise)[1]):
        while True:
            row = [rng.randint(1, 20) for _ in range(length)]
            presence = tuple(int(row[column] == token) for column, token in zip(columns, tokens))
            if presence not in pattern_set:
                break
        rows.append(row)
    letters = np.frombuffer(AMINO_ACIDS.encode(), dtype=np.uint8)
    codes = np.asarray(rows, dtype=np.int64).reshape(len(rows), length) - 1
    text = [row.tobytes().decode() for row in letters[codes]]
    frame = pd.DataFrame({"id": [f"seq{i + 1}" for i in range(len(rows))], "sequence": text,
                          "is_signal": np.arange(len(rows)) < n_signal})
    truth = pd.DataFrame({"position": positions, "token": [AMINO_ACIDS[t - 1] for t in tokens]})
    return frame, truth


def paper_attributed_indices(n_signal: int, signal_to_noise: float, n_attributed: int = 1000) -> np.ndarray:
    """Rows of `paper_positive_set`'s frame that the authors attribute (their float arithmetic)."""
    n_from_signal = int(n_attributed * signal_to_noise)
    n_from_noise = int(n_attributed * (1 - signal_to_noise))
    noise_total = paper_counts(n_signal, signal_to_noise)[1]
    return np.concatenate([np.arange(min(n_from_signal, n_signal)),
                           n_signal + np.arange(min(n_from_noise, noise_total))])
