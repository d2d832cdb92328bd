"""Regularisation of a real set's LSTM chosen on held-out NLL: dropout x weight decay.

    OMP_NUM_THREADS=1 .venv/bin/python bench/generative_regularisation.py \
        [--config config/absolut.yaml] [--dropout 0 0.2 0.4] [--weight-decay 0 0.01 0.1]

Reads the run config (validated, with the schema's defaults), imports its first real set
as the workflow does (`generative.steps.read_real_set`), and trains the config's LSTM
(`generative.engine.train_lstm`, its `generative.model` and `generative.training`, one
thread) for every (dropout, weight_decay) of the grid, once per replicate seed
(`generative.training.seed + k - 1`, k = 1..gama.replicates: the workflow's replicates,
each its own initialisation, held-out split and batch order). Per setting, over the
seeds: the kept epoch's held-out NLL (mean and sd), its difference from the first
setting's on the same seed (paired: the seeds' held-out splits differ more than the
settings do), the train NLL (in eval mode where dropout is on; else the epoch's running
mean, as the workflow records it), the gap (held-out - train), the kept and run epochs
and the seconds. The rule: the setting with
the lowest mean held-out NLL is chosen. The held-out split is also the one early stopping
watches, so the chosen value is slightly optimistic; every setting shares that bias.
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np
import pandas as pd
import torch


def load_run_config(path) -> dict:
    """The run config over the default one, validated (the schema's defaults filled in)."""
    from seqattr.config import SCHEMA, apply_table_overrides, load_config_file, validate_config

    config = load_config_file(path)
    apply_table_overrides(config)
    validate_config(config, SCHEMA)
    return config


def first_real_set(config: dict) -> tuple[str, list[str]]:
    from seqattr.generative.steps import read_real_set, without_negatives

    for name, spec in config["generative"]["sets"].items():
        if spec["source"] != "synthetic":
            frame, _ = read_real_set(spec)
            if spec.get("negatives"):  # as the workflow imports it: without the sequences also sorted as negatives
                frame, _ = without_negatives(frame, spec)
            return name, frame["sequence"].tolist()
    raise SystemExit("the config has no real generative set")


def split_nll(model, sequences: list[str], settings: dict, seed: int) -> tuple[float, float]:
    """(training split, held-out split) NLL per token of the kept model in eval mode. The
    split is `train_lstm`'s: its generator, seeded `seed`, is first used to draw it."""
    from seqattr.data.hygiene import grouped_held_out
    from seqattr.generative.alphabet import tokenize_padded
    from seqattr.generative.engine import mean_nll

    order, n_val = grouped_held_out(sequences, settings["validation_fraction"], torch.Generator().manual_seed(seed))
    order = torch.as_tensor(order, dtype=torch.long)
    tokens, lengths = tokenize_padded(sequences)
    train, held_out = order[n_val:], order[:n_val]
    return mean_nll(model, tokens[train], lengths[train]), mean_nll(model, tokens[held_out], lengths[held_out])


def fit(sequences: list[str], settings: dict, seed: int) -> dict:
    """One training's kept epoch: held-out NLL, the training split's NLL in eval mode
    (for every setting alike: the running mean over an epoch's batches that the history
    records is higher, and with dropout noisier), their gap, the epochs and seconds."""
    from seqattr.generative.engine import kept_epoch, train_lstm

    started = time.perf_counter()
    _, model, history = train_lstm(sequences, settings, seed)
    seconds = time.perf_counter() - started
    state = kept_epoch(history, settings["patience"], settings["min_delta"], settings["tolerance"])
    train_eval, held_out = split_nll(model, sequences, settings, seed)
    if abs(held_out - state["val_nll"]) > 1e-5:  # the split must be the one training held out
        raise RuntimeError(f"held-out NLL {held_out} recomputed, {state['val_nll']} in training: another split")
    return {"val_nll": state["val_nll"], "train_nll_eval": train_eval, "nll_gap": state["val_nll"] - train_eval,
            "train_nll_running": state["train_nll"], "kept_epoch": state["epoch"], "epochs": state["epochs"],
            "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="config/absolut.yaml")
    parser.add_argument("--dropout", type=float, nargs="+", default=[0.0, 0.2, 0.4])
    parser.add_argument("--weight-decay", type=float, nargs="+", default=[0.0, 0.01, 0.1])
    parser.add_argument("--replicates", type=int, default=None, help="default: the config's gama.replicates")
    args = parser.parse_args()
    torch.set_num_threads(1)

    from seqattr.generative.engine import training_defaults, training_settings

    config = load_run_config(args.config)
    name, sequences = first_real_set(config)
    generative = config["generative"]
    base = {**training_defaults(), **training_settings(generative["model"], generative["training"]), "device": "cpu"}
    seeds = [generative["training"]["seed"] + k for k in range(args.replicates or config["gama"]["replicates"])]
    print(f"{name}: {len(sequences)} sequences; hidden {base['hidden_size']}, lr {base['learning_rate']}, batch "
          f"{base['batch_size']}, patience {base['patience']}, min_delta {base['min_delta']}, held out "
          f"{base['validation_fraction']}; seeds {seeds}; 1 thread", flush=True)
    rows = []
    for dropout, weight_decay in itertools.product(args.dropout, args.weight_decay):
        for seed in seeds:
            result = fit(sequences, {**base, "dropout": dropout, "weight_decay": weight_decay}, seed)
            rows.append({"dropout": dropout, "weight_decay": weight_decay, "seed": seed, **result})
            print(" ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in rows[-1].items()),
                  flush=True)
    runs = pd.DataFrame(rows)
    # Seeds differ more than settings (each seed its own held-out split), so each setting is
    # also read against the first one (no regularisation by default) on the same seed.
    reference = runs[(runs["dropout"] == args.dropout[0]) & (runs["weight_decay"] == args.weight_decay[0])]
    runs["val_nll_paired"] = runs["val_nll"] - runs["seed"].map(dict(zip(reference["seed"], reference["val_nll"])))
    table = (runs.groupby(["dropout", "weight_decay"])
             .agg(val_nll=("val_nll", "mean"), val_nll_sd=("val_nll", "std"),
                  paired_difference=("val_nll_paired", "mean"), paired_difference_sd=("val_nll_paired", "std"),
                  train_nll_eval=("train_nll_eval", "mean"), nll_gap=("nll_gap", "mean"),
                  train_nll_running=("train_nll_running", "mean"),
                  kept_epoch=("kept_epoch", "mean"), epochs=("epochs", "mean"), seconds=("seconds", "sum"))
             .reset_index())
    best = table.loc[int(np.argmin(table["val_nll"].to_numpy()))]
    print()
    print(table.round(4).to_markdown(index=False))
    print(f"\nchosen (lowest mean held-out NLL): dropout {best['dropout']}, weight_decay {best['weight_decay']}: "
          f"held-out {best['val_nll']:.4f} +- {best['val_nll_sd']:.4f}, gap {best['nll_gap']:.4f}; total "
          f"{runs['seconds'].sum():.0f} s")


if __name__ == "__main__":
    main()
