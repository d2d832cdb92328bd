"""Cost of the GAMA synthetic grid on this machine, from a measured slice.

Times the three parts of one `gama_grid` experiment at the grid's settings and
scales them, printing each measurement and the estimate:
  * generating the set (measured at full size);
  * one training epoch, measured on --train-subset sequences and scaled linearly to the
    90% of the set that trains (an epoch is linear in sequences);
  * GAMA in both modes for the trained and the initial model, measured on --gama-subset
    sequences and scaled linearly to n_attributed (GAMA is linear in sequences).
The number of epochs is not known before training (early stopping); the estimate is
printed for --epochs (the demo's runs stopped within it), say so when you quote it.

  python bench/gama_grid_cost.py --config config/gama_grid.yaml --threads 2
(from a checkout whose seqattr is not installed: PYTHONPATH=src python bench/...)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
import yaml

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="config/gama_grid.yaml")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--train-subset", type=int, default=500)
    parser.add_argument("--gama-subset", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from seqattr.config import validate_config
    from seqattr.gama import gama_ig_modes
    from seqattr.gama_validation.experiments import expand_grid
    from seqattr.generative.alphabet import tokenize
    from seqattr.generative.engine import train_lstm, training_settings
    from seqattr.generative.sets import synthetic_positive_set

    config = yaml.safe_load(open(args.config))
    validate_config(config, ROOT / "workflow" / "schemas" / "config.schema.yaml")  # fills the schema's defaults, as the Snakefile does
    grid = config["gama_grid"]
    experiments = expand_grid(grid)
    gama = config["gama"]
    options = {"quadrature": gama["quadrature"], "steps": gama["ig_steps"], "batch_size": gama["batch_size"]}
    # As rule gama_grid_experiment: the generative stage's settings, the grid's overrides on top.
    generative = config["generative"]
    settings = training_settings(generative["model"], generative["training"], grid["train"])
    grid["n_attributed"] = grid["n_attributed"] or gama["max_sequences"] or 1000
    first = next(iter(experiments.values()))
    print(f"grid: {len(experiments)} experiments, L={first.length}, {first.n_sequences} sequences, "
          f"hidden {settings['hidden_size']}, n_attributed {grid['n_attributed']}, modes {grid['modes']}, "
          f"GAMA {options or 'defaults'}, {args.threads} CPU threads")

    started = time.perf_counter()
    frame, _ = synthetic_positive_set(first.length, first.n_sequences, list(first.positions), first.logic,
                                      first.signal_to_noise, first.seed)
    generate = time.perf_counter() - started
    print(f"generate set: {generate:.2f} s")

    subset = frame["sequence"].iloc[: args.train_subset].tolist()
    initial, trained, history = train_lstm(subset, {**settings, "max_epochs": 1, "validation_fraction": 0.1}, 0)
    epoch = float(history["seconds"].iloc[0])
    n_train = first.n_sequences * (1 - settings["validation_fraction"])
    epoch_full = epoch * n_train / (args.train_subset * 0.9)
    print(f"one epoch on {int(args.train_subset * 0.9)} sequences: {epoch:.2f} s -> {epoch_full:.1f} s per epoch "
          f"on {int(n_train)}")

    tokens = tokenize(frame["sequence"].iloc[: args.gama_subset].tolist())
    started = time.perf_counter()
    gama_ig_modes(trained, tokens, grid["modes"], **options)
    gama_ig_modes(initial, tokens, grid["modes"], **options)
    per_sequence = (time.perf_counter() - started) / args.gama_subset
    n_attributed = grid["n_attributed"] or first.n_sequences
    print(f"GAMA, both models, modes {grid['modes']}: {per_sequence:.3f} s per sequence -> "
          f"{per_sequence * n_attributed:.1f} s for {n_attributed}")

    experiment = generate + args.epochs * epoch_full + per_sequence * n_attributed
    total = experiment * len(experiments)
    print(f"per experiment ({args.epochs} epochs): {experiment:.0f} s; grid of {len(experiments)}: "
          f"{total:.0f} s = {total / 3600:.1f} h on {args.threads} CPU threads")


if __name__ == "__main__":
    main()
