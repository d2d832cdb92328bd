"""Does training on fresh samples learn the dependency sets? The learned fraction per model.

For each set kind x SNR x seed of `dependency_sets`, the real model trains on the set and
the null model on its `marginal_set()` (the product of its exact column marginals), both
with the same seed and settings (`generative.schedule.train_on_generator`). Each model
gives its learned fraction (NaN where the set has nothing to learn), its excess over the
test set's floor, attempts, epochs and seconds.

The goal the schedule's settings (`gama_grid.schedule` of the config) are judged by: every
real model of a set with SNR >= GOAL_MIN_SNR reaches the learned fraction the benchmark
counts as converged (`gama_grid.schedule.learned_fraction`) (`learning_goal`).
"""

from __future__ import annotations

import time
from typing import Iterator

import numpy as np
import pandas as pd

from seqattr.gama_validation.dependency_sets import DEFAULT_LENGTH, DependencySet
from seqattr.generative.schedule import train_on_generator
from seqattr.schema import schema_defaults

GOAL_MIN_SNR = 0.7
ROW_COLUMNS = ["set_kind", "signal_to_noise", "seed", "model", "floor", "learned_fraction", "excess_nll", "attempts",
               "epochs", "seconds"]


def training_sets(kinds, snrs, seeds) -> list[tuple[str, float, int]]:
    """(kind, SNR, seed) of every experiment; the null set (`uniform`) ignores SNR, so it is
    one experiment per seed, at SNR 1.0."""
    return [(kind, snr, seed) for kind in kinds for snr in ([1.0] if kind == "uniform" else snrs) for seed in seeds]


def dependency_training_rows(kinds, snrs, seeds, settings: dict, *, length: int = DEFAULT_LENGTH,
                             parity_at: tuple[int, int, int] | None = None,
                             with_null: bool = True) -> Iterator[dict]:
    """One row (ROW_COLUMNS) per trained model, as each finishes: the real model of every
    experiment of `training_sets`, then, `with_null`, its null model. `settings`:
    `train_on_generator`'s (the keys of `generative.schedule.SCHEDULE_DEFAULTS`)."""
    for kind, snr, seed in training_sets(kinds, snrs, seeds):
        dataset = DependencySet(kind, length, snr, seed, parity_at=parity_at)
        generators = [("real", dataset)] + ([("null", dataset.marginal_set())] if with_null else [])
        for label, generator in generators:
            started = time.perf_counter()
            _, _, history, state = train_on_generator(generator, settings, seed)
            yield {"set_kind": kind, "signal_to_noise": snr, "seed": seed, "model": label, "floor": state["floor"],
                   "learned_fraction": state["learned_fraction"], "excess_nll": state["excess_nll"],
                   "attempts": state["attempts"], "epochs": len(history), "seconds": time.perf_counter() - started}


def learning_goal(rows: pd.DataFrame, goal: float | None = None, min_snr: float = GOAL_MIN_SNR) -> pd.DataFrame:
    """Per set kind and SNR, the lowest learned fraction of its real models (sets with
    nothing to learn, NaN, left out) and, where the SNR is at least `min_snr`, whether it
    reaches `goal` (default the schema's `gama_grid.schedule.learned_fraction`); below
    `min_snr` the goal does not apply (None)."""
    goal = schema_defaults("gama_grid.schedule")["learned_fraction"] if goal is None else goal
    real = rows[(rows["model"] == "real") & rows["learned_fraction"].notna()]
    lowest = (real.groupby(["set_kind", "signal_to_noise"], sort=False, as_index=False)
              .agg(lowest_learned_fraction=("learned_fraction", "min"), models=("learned_fraction", "size")))
    met = np.where(lowest["signal_to_noise"] >= min_snr, lowest["lowest_learned_fraction"] >= goal, None)
    return lowest.assign(goal_met=pd.Series(met, index=lowest.index, dtype=object))
