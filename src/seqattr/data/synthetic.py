"""Seeded two-class DNA task shaped like human-vs-worm, with known motif positions.

Each class has its own order-1 Markov background (GC content and CpG depletion) and its
own motifs. A sequence carries one or more (mutated) copies of its class's motifs with
probability `own_motif_probability`, the other class's motifs with
`swap_motif_probability`, and none otherwise. The background differs only mildly, so
the motifs carry most of the signal and the noise caps accuracy well below 100%.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from seqattr.data.canonical import LabelledSplits, labelled_frame

BASES = np.frombuffer(b"ACGT", dtype=np.uint8)


@dataclass(frozen=True)
class ClassSpec:
    name: str
    gc: float
    cpg_ratio: float  # observed / expected CpG; < 1 is the CpG depletion of vertebrate DNA
    motifs: tuple[str, ...]


@dataclass(frozen=True)
class SyntheticSpec:
    classes: tuple[ClassSpec, ...]
    n_train: int = 20000
    n_test: int = 5000
    length: int = 200
    seed: int = 0
    own_motif_probability: float = 0.85
    swap_motif_probability: float = 0.03
    max_instances: int = 2
    mutation_rate: float = 0.05
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_config(cls, cfg: dict) -> "SyntheticSpec":
        classes = tuple(
            ClassSpec(c["name"], float(c["gc"]), float(c["cpg_ratio"]), tuple(m.upper() for m in c["motifs"]))
            for c in cfg["classes"]
        )
        keys = ("n_train", "n_test", "length", "seed", "own_motif_probability",
                "swap_motif_probability", "max_instances", "mutation_rate")
        return cls(classes=classes, **{k: cfg[k] for k in keys if k in cfg})


def transition_matrix(gc: float, cpg_ratio: float) -> np.ndarray:
    """Order-1 transitions (rows: previous base ACGT) with the given GC and CpG ratio.

    The C -> G probability removed (or added) by the CpG ratio moves to C -> C, so every
    row keeps P(next is G or C) = gc and the stationary GC content stays `gc`.
    """
    base = np.array([(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2])
    matrix = np.tile(base, (4, 1))
    moved = matrix[1, 2] * (1 - cpg_ratio)
    matrix[1, 2] -= moved
    matrix[1, 1] += moved
    return matrix


def markov_background(rng: np.random.Generator, n: int, length: int, gc: float, cpg_ratio: float) -> np.ndarray:
    """(n, length) base codes 0..3, sampled position by position, vectorised over n."""
    cumulative = np.cumsum(transition_matrix(gc, cpg_ratio), axis=1)
    codes = np.empty((n, length), dtype=np.uint8)
    stationary = np.array([(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2])
    codes[:, 0] = rng.choice(4, size=n, p=stationary)
    uniform = rng.random((n, length))
    for position in range(1, length):
        rows = cumulative[codes[:, position - 1]]
        codes[:, position] = (uniform[:, position, None] > rows).sum(axis=1).clip(max=3)
    return codes


def _plant(rng, codes, row, motif_codes, mutation_rate, occupied):
    """Plant one mutated motif copy at a free random position; return (start, end) or None."""
    length, width = codes.shape[1], len(motif_codes)
    for _ in range(20):
        start = int(rng.integers(0, length - width + 1))
        if not occupied[start:start + width].any():
            copy = motif_codes.copy()
            mutate = rng.random(width) < mutation_rate
            copy[mutate] = rng.integers(0, 4, size=int(mutate.sum()))
            codes[row, start:start + width] = copy
            occupied[start:start + width] = True
            return start, start + width
    return None


def generate_split(spec: SyntheticSpec, n: int, rng: np.random.Generator, prefix: str):
    n_classes = len(spec.classes)
    labels = np.arange(n) % n_classes  # exact class balance
    labels = rng.permutation(labels)
    codes = np.empty((n, spec.length), dtype=np.uint8)
    for k, cls in enumerate(spec.classes):
        rows = np.flatnonzero(labels == k)
        codes[rows] = markov_background(rng, len(rows), spec.length, cls.gc, cls.cpg_ratio)
    lookup = {b: i for i, b in enumerate("ACGT")}
    motif_codes = [[np.array([lookup[b] for b in m], dtype=np.uint8) for m in c.motifs] for c in spec.classes]
    ids = [f"{prefix}_{i:06d}" for i in range(n)]
    draws = rng.random(n)
    planted = []
    for row in range(n):
        if draws[row] < spec.own_motif_probability:
            source = labels[row]
        elif draws[row] < spec.own_motif_probability + spec.swap_motif_probability:
            source = (labels[row] + 1 + rng.integers(0, n_classes - 1)) % n_classes
        else:
            continue
        occupied = np.zeros(spec.length, dtype=bool)
        for _ in range(int(rng.integers(1, spec.max_instances + 1))):
            which = int(rng.integers(0, len(motif_codes[source])))
            interval = _plant(rng, codes, row, motif_codes[source][which], spec.mutation_rate, occupied)
            if interval is not None:
                planted.append((ids[row], *interval, spec.classes[source].motifs[which], spec.classes[source].name))
    sequences = BASES[codes].view(f"S{spec.length}").ravel().astype(str)
    frame = labelled_frame(ids, [spec.classes[k].name for k in labels], sequences)
    motifs = pd.DataFrame(planted, columns=["id", "start", "end", "motif", "class"])
    return frame, motifs


def generate(spec: SyntheticSpec) -> LabelledSplits:
    rng = np.random.default_rng(spec.seed)
    train, train_motifs = generate_split(spec, spec.n_train, rng, "train")
    test, test_motifs = generate_split(spec, spec.n_test, rng, "test")
    motifs = pd.concat([train_motifs, test_motifs], ignore_index=True)
    return LabelledSplits(train, test, [c.name for c in spec.classes], motifs)
