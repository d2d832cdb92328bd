"""Regularisation of a real set's LSTM chosen on held-out NLL: dropout x weight decay.

    OMP_NUM_THREADS=1 .venv/bin/python bench/generative_regularisation.py \
        [--config config/absolut.yaml] [--dropout 0 0.2 0.4] [--weight-decay 0 0.01 0.1]

Reads the run config (validated, with the schema's defaults), imports its first real set
as the workflow does (`generative.steps.read_real_set`, without the sequences also sorted
as negatives), and runs `seqattr.generative.regularisation` on it with the config's LSTM
(`generative.model` and `generative.training`, one thread): every (dropout, weight_decay)
of the grid, once per replicate seed (`generative.training.seed + k - 1`, k = 1..
gama.replicates). Prints a line per training, the table per setting and the rule's choice
(the lowest mean held-out NLL), with whether its paired gain is larger than its sd.
"""

from __future__ import annotations

import argparse

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="config/absolut.yaml")
    parser.add_argument("--dropout", type=float, nargs="+", default=[0.0, 0.2, 0.4])
    parser.add_argument("--weight-decay", type=float, nargs="+", default=[0.0, 0.01, 0.1])
    parser.add_argument("--replicates", type=int, default=None, help="default: the config's gama.replicates")
    args = parser.parse_args()
    torch.set_num_threads(1)

    from seqattr.generative.engine import training_defaults, training_settings
    from seqattr.generative.regularisation import (chosen_setting, gain_exceeds_spread, regularisation_runs,
                                                   regularisation_table)

    config = load_run_config(args.config)
    name, sequences = first_real_set(config)
    generative = config["generative"]
    base = {**training_defaults(), **training_settings(generative["model"], generative["training"]), "device": "cpu"}
    seeds = [generative["training"]["seed"] + k for k in range(args.replicates or config["gama"]["replicates"])]
    print(f"{name}: {len(sequences)} sequences; hidden {base['hidden_size']}, lr {base['learning_rate']}, batch "
          f"{base['batch_size']}, patience {base['patience']}, min_delta {base['min_delta']}, held out "
          f"{base['validation_fraction']}; seeds {seeds}; 1 thread", flush=True)
    rows = []
    for row in regularisation_runs(sequences, base, args.dropout, args.weight_decay, seeds):
        rows.append(row)
        print(" ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()), flush=True)
    runs = pd.DataFrame(rows)
    table = regularisation_table(runs, reference=(args.dropout[0], args.weight_decay[0]))
    best = chosen_setting(table)
    print()
    print(table.round(4).to_markdown(index=False))
    print(f"\nchosen (lowest mean held-out NLL): dropout {best['dropout']}, weight_decay {best['weight_decay']}: "
          f"held-out {best['val_nll']:.4f} +- {best['val_nll_sd']:.4f}, gap {best['nll_gap']:.4f}; paired gain "
          f"{-best['paired_difference']:.4f} {'>' if gain_exceeds_spread(best) else 'not >'} its sd "
          f"{best['paired_difference_sd']:.4f}; total {runs['seconds'].sum():.0f} s")


if __name__ == "__main__":
    main()
