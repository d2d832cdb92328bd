"""Does training on fresh samples learn the dependency sets? The learned fraction per model.

Runs `seqattr.gama_validation.dependency_training` for each set kind x SNR x seed: the real
model on the dependency set and the null model on its `marginal_set()`, with the same seed
and settings (`generative.schedule.train_on_generator`), and prints per model the learned
fraction (NaN where the set has nothing to learn), the excess over the test set's floor,
attempts, epochs and seconds; then the lowest learned fraction of the real models per set
and SNR, and whether it meets the goal (`learning_goal`: the benchmark's learned fraction
for every set with SNR >= 0.7).

    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 .venv/bin/python bench/gama_dependency_training.py --threads 1
"""

from __future__ import annotations

import argparse
import logging
import time

import pandas as pd

from seqattr.gama_validation.dependency_sets import DEFAULT_LENGTH, SET_KINDS
from seqattr.gama_validation.dependency_training import dependency_training_rows, learning_goal
from seqattr.generative.schedule import SCHEDULE_DEFAULTS


def setting_arguments(parser: argparse.ArgumentParser) -> None:
    """One option per training setting, defaulting to the schedule's defaults."""
    for key, default in SCHEDULE_DEFAULTS.items():
        parser.add_argument(f"--{key.replace('_', '-')}", dest=key, type=type(default), default=default,
                            help=f"(default {default})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kinds", default="pairs,parity,decoy,uniform", help=f"comma-separated, of {SET_KINDS}")
    parser.add_argument("--snrs", default="1.0,0.7,0.5", help="comma-separated signal-to-noise ratios")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds")
    parser.add_argument("--length", type=int, default=DEFAULT_LENGTH)
    parser.add_argument("--parity-positions", default=None,
                        help="the parity triple, comma-separated (e.g. 5,6,7); default the set's (s, 2s, 3s)")
    parser.add_argument("--no-null", action="store_true", help="train only the real model")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="log every epoch")
    setting_arguments(parser)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    settings = {key: getattr(args, key) for key in SCHEDULE_DEFAULTS}
    print("settings: " + ", ".join(f"{k} {v}" for k, v in settings.items()) + f"; {args.threads} thread(s)")
    print(f"{'set':8s} {'SNR':>4s} {'seed':>4s} {'model':5s} {'floor':>7s} {'learned':>8s} {'excess':>8s} "
          f"{'attempts':>8s} {'epochs':>6s} {'seconds':>8s}")
    started = time.perf_counter()
    rows = []
    for row in dependency_training_rows(
            args.kinds.split(","), [float(s) for s in args.snrs.split(",")], [int(s) for s in args.seeds.split(",")],
            settings, length=args.length, with_null=not args.no_null,
            parity_at=tuple(int(p) for p in args.parity_positions.split(",")) if args.parity_positions else None):
        rows.append(row)
        print(f"{row['set_kind']:8s} {row['signal_to_noise']:4.1f} {row['seed']:4d} {row['model']:5s} "
              f"{row['floor']:7.4f} {row['learned_fraction']:8.3f} {row['excess_nll']:8.4f} {row['attempts']:8d} "
              f"{row['epochs']:6d} {row['seconds']:8.1f}", flush=True)
    print("\nlowest learned fraction of the real models, per set and SNR (goal_met: None below SNR 0.7):")
    print(learning_goal(pd.DataFrame(rows)).round(3).to_string(index=False))
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
