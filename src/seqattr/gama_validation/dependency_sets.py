"""Synthetic positive sets whose planted positions carry dependencies, with exact probabilities.

The paper's grid plants enriched residues, which a sequence logo finds without a model.
Here the planted structure is a dependency between positions, so the column frequencies
of most planted positions stay uniform. Sequences have `length` residues of the 20 amino
acids (1-based positions). A set is a list of units, each a planted structure:

- pair (a, b), a < b: r_a uniform; with the unit's flag on, r_b = table[r_a] (a fixed random
  permutation of the 20 residues), else r_b uniform. Both marginals stay uniform.
- parity (a, b, c), a < b < c: r_a and r_b uniform; flag on: r_c = table[(r_a + r_b) mod 20],
  else uniform. Any two of the three are independent (pairwise mutual information exactly
  zero); only the three together are dependent.
- decoy (p,): flag on: r_p is a fixed residue, else uniform. Enriched, depends on nothing.

Every unit draws its own flag, on with probability `signal_to_noise` (SNR), independently
of every other unit's, so units are mutually independent and the only dependencies are
those within a unit; every position outside the units is uniform. With the flag, one
unit's configuration has the probability (residues as indices 0..19)

    pair:   p(r_a, r_b)      = 1/20  * (SNR [r_b = table[r_a]] + (1 - SNR)/20)
    parity: p(r_a, r_b, r_c) = 1/400 * (SNR [r_c = table[(r_a + r_b) mod 20]] + (1 - SNR)/20)
    decoy:  p(r_p)           =          SNR [r_p = residue] + (1 - SNR)/20

and p(x) is the product over units times 20^-(free positions). Each unit's dependent (or
enriched) residue is a mixture of a point mass (weight SNR) and the uniform distribution,
whose entropy is h(SNR) = -q ln q - 19 s ln s with q = SNR + s, s = (1 - SNR)/20, so

    H(x) = (free positions + pairs + 2 parities) ln 20 + (pairs + parities + decoys) h(SNR).

The LSTM predicts L residues and END (certain at a fixed length): the lowest expected NLL
per predicted token is H(x) / (L + 1) (`entropy_floor`), and a model that predicts every
residue uniformly scores L ln 20 / (L + 1) (`uniform_nll`).

Set kinds (`SET_KINDS`), each fixed by (kind, length, signal_to_noise, seed, distances):

- pairs: one pair per distance in `distances`, placed disjointly by `place_pairs`.
- parity: one triple at `parity_at` when given (three ascending positions), else at
  (s, 2s, 3s), s = max(1, L // 4): spread over the sequence ((3, 6, 9) at L = 12), so the
  model must carry r_a across r_b to c. The one-layer LSTM has not learned the spread
  triple, and learns an adjacent one (record: gama_dependency.parity_control.lstm_spread_triple,
  gama_dependency.learned_fraction.parity.snr_1_0).
- decoy: one pair at the first distance d of `distances` with d + 3 <= L, with a decoy
  position on each side of it (decoy, a, b = a + d, decoy), the four centred in 1..L. The
  pair is the planted dependency; the decoys are enriched and independent, so a logo
  ranks the decoys and not the pair.
- uniform: the null set, no unit; every position uniform (SNR is ignored). (Not "null", which
  YAML reads as nothing.)

The units' tables and decoy residues are drawn from `seed` (numpy only, no files).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from seqattr.generative.alphabet import AMINO_ACIDS

SET_KINDS = ("pairs", "parity", "decoy", "uniform")
UNIT_KINDS = ("pair", "parity", "decoy")
DEFAULT_DISTANCES = (1, 2, 4, 8)
DEFAULT_LENGTH = 12
N_RESIDUES = len(AMINO_ACIDS)
LN_RESIDUES = math.log(N_RESIDUES)
_LETTERS = np.frombuffer(AMINO_ACIDS.encode(), dtype=np.uint8)
_INDEX_OF_BYTE = np.full(256, -1, dtype=np.int64)
_INDEX_OF_BYTE[_LETTERS] = np.arange(N_RESIDUES)


def place_pairs(distances, length: int) -> list[tuple[int, int]]:
    """Disjoint pairs (a, a + d), one per distance, inside 1..length (1-based), in the order
    of `distances`.

    Deterministic search: the longest distance first, each at the leftmost start whose two
    positions are free, backtracking when a later pair finds no room. Raises ValueError,
    naming the distances and the length, when no placement exists.
    """
    distances = tuple(int(d) for d in distances)
    if not distances or any(d < 1 for d in distances):
        raise ValueError(f"pair distances {list(distances)}: give one or more positive integers")
    if 2 * len(distances) > length or max(distances) >= length:
        raise ValueError(f"pair distances {list(distances)} do not fit in length {length}")
    order = sorted(range(len(distances)), key=lambda i: -distances[i])
    starts: dict[int, int] = {}
    taken: set[int] = set()

    def place(rank: int) -> bool:
        if rank == len(order):
            return True
        index = order[rank]
        distance = distances[index]
        for start in range(1, length - distance + 1):
            if start in taken or start + distance in taken:
                continue
            taken.update((start, start + distance))
            starts[index] = start
            if place(rank + 1):
                return True
            taken.difference_update((start, start + distance))
        return False

    if not place(0):
        raise ValueError(f"pair distances {list(distances)} do not fit disjointly in length {length}")
    return [(starts[i], starts[i] + distances[i]) for i in range(len(distances))]


def parity_positions(length: int) -> tuple[int, int, int]:
    """The parity triple (s, 2s, 3s), s = max(1, length // 4); needs length >= 3."""
    if length < 3:
        raise ValueError(f"a parity triple needs length >= 3, got {length}")
    step = max(1, length // 4)
    return step, 2 * step, 3 * step


def check_parity_at(positions, length: int) -> tuple[int, int, int]:
    """`positions` as a parity triple: three ascending positions within 1..length; ValueError
    naming them and the length otherwise."""
    triple = tuple(int(p) for p in positions)
    if len(triple) != 3 or not 1 <= triple[0] < triple[1] < triple[2] <= length:
        raise ValueError(f"parity positions {list(triple)}: give three ascending positions within 1..{length}")
    return triple


def decoy_layout(distances, length: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """((a, b), (decoy_1, decoy_2)): the decoy set's pair at the first distance d of
    `distances` with d + 3 <= length, a decoy on each side, the four centred in 1..length."""
    for distance in (int(d) for d in distances):
        if 1 <= distance and distance + 3 <= length:
            first = 1 + (length - (distance + 3)) // 2
            a = first + 1
            return (a, a + distance), (first, a + distance + 1)
    raise ValueError(f"decoy set: no pair distance in {list(distances)} leaves room for two decoys in "
                     f"length {length} (needs a distance d with d + 3 <= length)")


def mixture_entropy(signal_to_noise: float) -> float:
    """h(SNR): the entropy (nats) of SNR x a point mass + (1 - SNR) x uniform over 20 residues."""
    noise = (1 - signal_to_noise) / N_RESIDUES
    point = signal_to_noise + noise
    return float(-point * math.log(point) - ((N_RESIDUES - 1) * noise * math.log(noise) if noise > 0 else 0.0))


def learned_fraction(nll, uniform_nll, floor):
    """(uniform - nll) / (uniform - floor): 0 for a model that predicts residues uniformly,
    1 for one at the floor. NaN when the set has nothing to learn (uniform == floor, the
    null set), where the fraction is undefined."""
    gap = np.asarray(uniform_nll, dtype=float) - np.asarray(floor, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(np.abs(gap) > 1e-12, (uniform_nll - np.asarray(nll, dtype=float)) / gap, np.nan)
    return float(fraction) if fraction.ndim == 0 else fraction


def residue_codes(sequences: list[str], length: int) -> np.ndarray:
    """(N, length) residue indices 0..19 of `sequences`; ValueError on another length or a
    character outside the 20 amino acids."""
    if not len(sequences):
        return np.zeros((0, length), dtype=np.int64)
    if any(len(s) != length for s in sequences):
        raise ValueError(f"every sequence must have length {length}")
    codes = _INDEX_OF_BYTE[np.frombuffer("".join(sequences).encode("ascii", "replace"), dtype=np.uint8)]
    if (codes < 0).any():
        raise ValueError(f"sequences hold characters outside the 20 amino acids {AMINO_ACIDS}")
    return codes.reshape(len(sequences), length)


def as_sequences(codes: np.ndarray) -> list[str]:
    """Strings of residue-index rows."""
    return [row.tobytes().decode() for row in _LETTERS[codes]]


@dataclass(frozen=True, eq=False)
class Unit:
    """One planted structure: kind 'pair' (a, b), 'parity' (a, b, c) or 'decoy' (p,), 1-based
    positions; `table` (pair, parity) a permutation of the 20 residue indices, `residue`
    (decoy) the enriched residue's index."""

    kind: str
    positions: tuple[int, ...]
    table: np.ndarray | None = None
    residue: int | None = None

    def target(self, codes: np.ndarray) -> np.ndarray:
        """The residue index the unit's last position holds when its flag is on, per row of
        the unit's own columns `codes` (N, len(positions))."""
        if self.kind == "pair":
            return self.table[codes[:, 0]]
        if self.kind == "parity":
            return self.table[(codes[:, 0] + codes[:, 1]) % N_RESIDUES]
        return np.full(len(codes), self.residue)

    def probability(self, codes: np.ndarray, signal_to_noise: float) -> np.ndarray:
        """p of each configuration (rows of `codes`, the unit's columns) under the unit's rule."""
        free = N_RESIDUES ** -(len(self.positions) - 1)  # the uniform residues the rule reads
        follows = codes[:, -1] == self.target(codes)
        return free * (signal_to_noise * follows + (1 - signal_to_noise) / N_RESIDUES)

    def edges(self) -> set[tuple[int, int]]:
        """The (input, output) position pairs of the dependency; none for a decoy."""
        if self.kind == "decoy":
            return set()
        return {(position, self.positions[-1]) for position in self.positions[:-1]}


@dataclass(frozen=True)
class DependencySet:
    """One generator of a dependency set (module docstring), fixed by its fields."""

    kind: str
    length: int = DEFAULT_LENGTH
    signal_to_noise: float = 1.0
    seed: int = 0
    distances: tuple[int, ...] = field(default=DEFAULT_DISTANCES)
    parity_at: tuple[int, int, int] | None = None

    def __post_init__(self):
        if self.kind not in SET_KINDS:
            raise ValueError(f"set kind {self.kind!r}: allowed {SET_KINDS}")
        if not 0 < self.signal_to_noise <= 1:
            raise ValueError(f"signal_to_noise {self.signal_to_noise}: must be in (0, 1]")
        if int(self.length) < 1:
            raise ValueError(f"length {self.length}: must be at least 1")
        object.__setattr__(self, "distances", tuple(int(d) for d in self.distances))
        if self.parity_at is not None:
            object.__setattr__(self, "parity_at", check_parity_at(self.parity_at, int(self.length)))
        self.units  # noqa: B018 -- a layout that does not fit fails here, not at the first sample

    @cached_property
    def units(self) -> list[Unit]:
        rng = np.random.default_rng(self.seed)
        if self.kind == "pairs":
            return [Unit("pair", pair, table=rng.permutation(N_RESIDUES))
                    for pair in place_pairs(self.distances, self.length)]
        if self.kind == "parity":
            return [Unit("parity", self.parity_at or parity_positions(self.length), table=rng.permutation(N_RESIDUES))]
        if self.kind == "decoy":
            pair, decoys = decoy_layout(self.distances, self.length)
            residues = rng.choice(N_RESIDUES, size=len(decoys), replace=False)
            return [Unit("pair", pair, table=rng.permutation(N_RESIDUES)),
                    *(Unit("decoy", (p,), residue=int(r)) for p, r in zip(decoys, residues))]
        return []

    @property
    def planted_edges(self) -> set[tuple[int, int]]:
        """(input, output) 1-based, input < output, of every planted dependency."""
        return set().union(*(unit.edges() for unit in self.units))

    @property
    def planted_positions(self) -> tuple[int, ...]:
        """The positions in planted edges, sorted (decoys are not planted dependencies)."""
        return tuple(sorted({p for edge in self.planted_edges for p in edge}))

    @property
    def enriched_positions(self) -> tuple[int, ...]:
        """The decoy positions: enriched residues without a dependency."""
        return tuple(unit.positions[0] for unit in self.units if unit.kind == "decoy")

    @property
    def free_positions(self) -> int:
        return self.length - sum(len(unit.positions) for unit in self.units)

    def sample(self, n: int, rng: np.random.Generator) -> list[str]:
        """`n` sequences drawn from the generator with `rng`."""
        codes = rng.integers(0, N_RESIDUES, size=(n, self.length))
        for unit in self.units:
            columns = [p - 1 for p in unit.positions]
            flag = rng.random(n) < self.signal_to_noise
            codes[flag, columns[-1]] = unit.target(codes[flag][:, columns])
        return as_sequences(codes)

    def log_probability(self, sequences: list[str]) -> np.ndarray:
        """ln p(x) of each sequence."""
        codes = residue_codes(sequences, self.length)
        log_p = np.full(len(codes), -self.free_positions * LN_RESIDUES)
        for unit in self.units:
            with np.errstate(divide="ignore"):
                log_p += np.log(unit.probability(codes[:, [p - 1 for p in unit.positions]], self.signal_to_noise))
        return log_p

    def token_nll(self, sequences: list[str]) -> np.ndarray:
        """Each sequence's exact -ln p(x) / (L + 1) (L residues and END, which is certain)."""
        return -self.log_probability(sequences) / (self.length + 1)

    def entropy_per_sequence(self) -> float:
        """H(x) in nats, closed form (module docstring)."""
        uniform_residues = self.free_positions + sum(len(unit.positions) - 1 for unit in self.units)
        return uniform_residues * LN_RESIDUES + len(self.units) * mixture_entropy(self.signal_to_noise)

    @property
    def entropy_floor(self) -> float:
        """The lowest expected NLL per predicted token: H(x) / (L + 1)."""
        return self.entropy_per_sequence() / (self.length + 1)

    @property
    def uniform_nll(self) -> float:
        """L ln 20 / (L + 1): a model predicting every residue uniformly (END certain)."""
        return self.length * LN_RESIDUES / (self.length + 1)

    def column_marginals(self) -> np.ndarray:
        """(L, 20) exact p(r_p = residue) of each position: uniform except at decoys (every
        pair and parity member is uniform because each table is a permutation)."""
        marginals = np.full((self.length, N_RESIDUES), 1 / N_RESIDUES)
        for unit in self.units:
            if unit.kind == "decoy":
                row = np.full(N_RESIDUES, (1 - self.signal_to_noise) / N_RESIDUES)
                row[unit.residue] += self.signal_to_noise
                marginals[unit.positions[0] - 1] = row
        return marginals

    def marginal_set(self) -> ColumnProductSet:
        """The product of this set's exact column marginals: the same columns, no dependency.
        The null model's generator (decoy enrichment kept, every dependency gone)."""
        return ColumnProductSet(self.column_marginals())


@dataclass(frozen=True, eq=False)
class ColumnProductSet:
    """Independent positions with the given column distributions `marginals` (L, 20)."""

    marginals: np.ndarray

    @property
    def length(self) -> int:
        return self.marginals.shape[0]

    def sample(self, n: int, rng: np.random.Generator) -> list[str]:
        """`n` sequences drawn with `rng`, each position from its own column distribution."""
        cumulative = np.cumsum(self.marginals, axis=1)
        draws = rng.random((n, self.length))
        codes = np.stack([np.searchsorted(cumulative[p], draws[:, p], side="right") for p in range(self.length)],
                         axis=1) if n else np.zeros((0, self.length), dtype=np.int64)
        return as_sequences(np.minimum(codes, N_RESIDUES - 1))

    def token_nll(self, sequences: list[str]) -> np.ndarray:
        """-sum_p ln f_p(r_p) / (L + 1) of each sequence."""
        codes = residue_codes(sequences, self.length)
        with np.errstate(divide="ignore"):
            log_p = np.log(self.marginals[np.arange(self.length)[None, :], codes]).sum(axis=1)
        return -log_p / (self.length + 1)

    @property
    def entropy_floor(self) -> float:
        """sum_p H(f_p) / (L + 1)."""
        positive = np.where(self.marginals > 0, self.marginals, 1.0)
        return float(-(self.marginals * np.log(positive)).sum() / (self.length + 1))

    @property
    def uniform_nll(self) -> float:
        return self.length * LN_RESIDUES / (self.length + 1)
