"""The experiments of the GAMA paper's synthetic grid, one per (logic, positions, SNR, seed).

Torch-free and file-free: the Snakefile expands the grid from the config while parsing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass


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


def expand_grid(grid: dict) -> dict[str, Experiment]:
    """All experiments of a `gama_grid` config section, by id, in grid order.

    Signal-to-noise values are rounded to one decimal (the grid's step), so 0.30000000000000004
    and 0.3 are the same experiment; two grid points with the same id are an error.
    """
    experiments: dict[str, Experiment] = {}
    for logic, positions, snr, seed in itertools.product(grid["logics"], grid["position_sets"],
                                                         grid["signal_to_noise"], grid["seeds"]):
        experiment = Experiment(logic=str(logic), positions=tuple(int(p) for p in positions),
                                signal_to_noise=round(float(snr), 1), seed=int(seed),
                                length=int(grid["length"]), n_sequences=int(grid["n_sequences"]))
        if experiment.id in experiments:
            raise ValueError(f"gama_grid: grid point {experiment.id} appears twice")
        experiments[experiment.id] = experiment
    return experiments
