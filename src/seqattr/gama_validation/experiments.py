"""The experiments of a GAMA validation grid, one per (set, SNR, seed).

Two designs share the grid's rules. `logic` (the default): the GAMA paper's synthetic
grid, one experiment per (logic, positions, SNR, seed), whose planted positions are
enriched residues. `dependency`: the dependency benchmark
(`gama_validation.dependency_sets`), one experiment per (set kind, SNR, seed), whose
planted positions carry dependencies with uniform marginals; the null set (kind uniform) has no
planted structure and no SNR, so it runs once per seed.

Torch-free and file-free: the Snakefile expands the grid from the config while parsing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

DESIGNS = ("logic", "dependency")


@dataclass(frozen=True)
class Experiment:
    logic: str
    positions: tuple[int, ...]
    signal_to_noise: float
    seed: int
    length: int
    n_sequences: int

    @property
    def id(self) -> str:
        """Stable, readable name (the {experiment} wildcard), e.g. ``AND_p2-4_snr0.5_s0``."""
        return f"{self.logic}_p{'-'.join(map(str, self.positions))}_snr{self.signal_to_noise:.1f}_s{self.seed}"


@dataclass(frozen=True)
class DependencyExperiment:
    """One set of the dependency benchmark: its kind (pairs, parity, decoy, null), the
    pair distances it places, the parity triple's positions (None: the set's default),
    SNR (the share of sequences in which each planted unit follows its rule), seed,
    length and how many sequences GAMA attributes from it."""

    kind: str
    signal_to_noise: float
    seed: int
    length: int
    distances: tuple[int, ...]
    n_sequences: int
    parity_at: tuple[int, ...] | None = None

    @property
    def id(self) -> str:
        """e.g. ``pairs_snr0.7_s0``; the null set (kind uniform, no SNR) ``uniform_s0``."""
        if self.kind == "uniform":
            return f"uniform_s{self.seed}"
        return f"{self.kind}_snr{self.signal_to_noise:.1f}_s{self.seed}"


def expand_grid(grid: dict) -> dict:
    """All experiments of a `gama_grid` config section, by id, in grid order.

    Signal-to-noise values are rounded to one decimal (the grid's step), so 0.30000000000000004
    and 0.3 are the same experiment; two grid points with the same id are an error.
    """
    if grid.get("design", "logic") == "dependency":
        return _expand_dependency(grid)
    experiments: dict[str, Experiment] = {}
    for logic, positions, snr, seed in itertools.product(grid["logics"], grid["position_sets"],
                                                         grid["signal_to_noise"], grid["seeds"]):
        experiment = Experiment(logic=str(logic), positions=tuple(int(p) for p in positions),
                                signal_to_noise=round(float(snr), 1), seed=int(seed),
                                length=int(grid["length"]), n_sequences=int(grid["n_sequences"]))
        _add(experiments, experiment)
    return experiments


def _expand_dependency(grid: dict) -> dict[str, DependencyExperiment]:
    experiments: dict[str, DependencyExperiment] = {}
    for seed, kind in itertools.product(grid["seeds"], grid["kinds"]):
        for snr in ([1.0] if kind == "uniform" else grid["signal_to_noise"]):
            _add(experiments, DependencyExperiment(
                kind=str(kind), signal_to_noise=round(float(snr), 1), seed=int(seed), length=int(grid["length"]),
                distances=tuple(int(d) for d in grid["distances"]), n_sequences=int(grid["n_sequences"]),
                parity_at=(tuple(int(p) for p in grid["parity_positions"])
                           if kind == "parity" and grid.get("parity_positions") else None)))
    return experiments


def _add(experiments: dict, experiment) -> None:
    if experiment.id in experiments:
        raise ValueError(f"gama_grid: grid point {experiment.id} appears twice")
    experiments[experiment.id] = experiment
