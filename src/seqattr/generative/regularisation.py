"""Choosing a real set's LSTM regularisation on held-out NLL: dropout x weight decay.

Every (dropout, weight_decay) of a grid trains the set's LSTM (`engine.train_lstm`) once per
seed; a seed is a replicate of the workflow (its own initialisation, held-out split and batch
order). Per setting, over the seeds: the kept epoch's held-out NLL (mean and sd), its
difference from the reference setting's on the same seed (paired: the seeds' held-out splits
differ more than the settings do), the training split's NLL in eval mode, the gap
(held-out - train), the kept and run epochs and the seconds.

The rule (`chosen_setting`): the setting with the lowest mean held-out NLL. The held-out split
is also the one early stopping watches, so the chosen value is slightly optimistic; every
setting shares that bias. The stricter rule pre-registered for BEAM (docs/results.md,
"Regularisation of the real-set LSTMs") keeps the reference unless the chosen setting's
paired gain is larger than the sd of that paired difference over the seeds
(`gain_exceeds_spread`).

The settings these choices set are `generative.model.dropout` and
`generative.training.weight_decay` of a run config.
"""

from __future__ import annotations

import itertools
import time
from typing import Iterator

import numpy as np
import pandas as pd
import torch

from seqattr.data.hygiene import grouped_held_out
from seqattr.generative.alphabet import tokenize_padded
from seqattr.generative.engine import kept_epoch, mean_nll, train_lstm

SETTING = ["dropout", "weight_decay"]
# Recomputing the held-out NLL must give what training recorded: otherwise the split is another.
SAME_SPLIT_TOLERANCE = 1e-5


def split_nll(model, sequences: list[str], settings: dict, seed: int) -> tuple[float, float]:
    """(training split, held-out split) NLL per token of the kept model in eval mode. The
    split is `train_lstm`'s: its generator, seeded `seed`, is first used to draw it."""
    order, n_val = grouped_held_out(sequences, settings["validation_fraction"], torch.Generator().manual_seed(seed))
    order = torch.as_tensor(order, dtype=torch.long)
    tokens, lengths = tokenize_padded(sequences)
    train, held_out = order[n_val:], order[:n_val]
    return mean_nll(model, tokens[train], lengths[train]), mean_nll(model, tokens[held_out], lengths[held_out])


def fit(sequences: list[str], settings: dict, seed: int) -> dict:
    """One training's kept epoch: held-out NLL, the training split's NLL in eval mode (for
    every setting alike: the running mean over an epoch's batches that the history records
    is higher, and with dropout noisier), their gap, the running train NLL, the kept and
    run epochs and the seconds. `settings`: `train_lstm`'s config, complete (patience,
    min_delta, tolerance and validation_fraction are read here too)."""
    started = time.perf_counter()
    _, model, history = train_lstm(sequences, settings, seed)
    seconds = time.perf_counter() - started
    state = kept_epoch(history, settings["patience"], settings["min_delta"], settings["tolerance"])
    train_eval, held_out = split_nll(model, sequences, settings, seed)
    if abs(held_out - state["val_nll"]) > SAME_SPLIT_TOLERANCE:
        raise RuntimeError(f"held-out NLL {held_out} recomputed, {state['val_nll']} in training: another split")
    return {"val_nll": state["val_nll"], "train_nll_eval": train_eval, "nll_gap": state["val_nll"] - train_eval,
            "train_nll_running": state["train_nll"], "kept_epoch": state["epoch"], "epochs": state["epochs"],
            "seconds": seconds}


def regularisation_runs(sequences: list[str], base: dict, dropouts, weight_decays, seeds) -> Iterator[dict]:
    """One row per (dropout, weight_decay, seed), dropouts outermost, as each training
    finishes: the setting, the seed and `fit`'s values. `base`: the complete `train_lstm`
    config the grid varies."""
    for dropout, weight_decay in itertools.product(dropouts, weight_decays):
        for seed in seeds:
            yield {"dropout": dropout, "weight_decay": weight_decay, "seed": seed,
                   **fit(sequences, {**base, "dropout": dropout, "weight_decay": weight_decay}, seed)}


def regularisation_table(runs: pd.DataFrame, reference: tuple[float, float] | None = None) -> pd.DataFrame:
    """Per setting, over its seeds: val_nll (mean, sd), paired_difference from the
    `reference` setting on the same seed (mean, sd), train_nll_eval, nll_gap,
    train_nll_running, kept_epoch and epochs (means) and seconds (sum). `reference`:
    (dropout, weight_decay); default the first row's setting (the grid's first, no
    regularisation in the bench's defaults)."""
    if reference is None:
        reference = tuple(runs.iloc[0][SETTING])
    base = runs[(runs["dropout"] == reference[0]) & (runs["weight_decay"] == reference[1])]
    if base.empty:
        raise ValueError(f"the reference setting {reference} has no runs")
    runs = runs.assign(val_nll_paired=runs["val_nll"] - runs["seed"].map(dict(zip(base["seed"], base["val_nll"]))))
    return (runs.groupby(SETTING)
            .agg(val_nll=("val_nll", "mean"), val_nll_sd=("val_nll", "std"),
                 paired_difference=("val_nll_paired", "mean"), paired_difference_sd=("val_nll_paired", "std"),
                 train_nll_eval=("train_nll_eval", "mean"), nll_gap=("nll_gap", "mean"),
                 train_nll_running=("train_nll_running", "mean"),
                 kept_epoch=("kept_epoch", "mean"), epochs=("epochs", "mean"), seconds=("seconds", "sum"))
            .reset_index())


def chosen_setting(table: pd.DataFrame) -> pd.Series:
    """The rule: the row of `regularisation_table` with the lowest mean held-out NLL (the
    first such row in the table's order on a tie)."""
    return table.loc[int(np.argmin(table["val_nll"].to_numpy()))]


def gain_exceeds_spread(row: pd.Series) -> bool:
    """Whether a setting's paired gain over the reference (-paired_difference) is larger than
    the sd of that paired difference over the seeds (False for the reference itself, and
    with a single seed, whose sd is undefined)."""
    return bool(-row["paired_difference"] > row["paired_difference_sd"])
