"""GAMA scorings on sets whose planted positions only a dependency reveals.

The paper's grid plants residues that are enriched at their positions, so a sequence logo
of the set finds every planted position (bench/gama_logo_baseline.py). Here the planted
positions keep uniform residue frequencies and carry only a dependency: in a share SNR of
the sequences the residue at each later planted position is a fixed random permutation
of the residue at the first (a "copy" through a substitution table), every other residue
and every noise sequence uniform. The logo is flat; a scoring finds these positions only
if it reads what the model learned about how they depend on one another.

Each sequence's true NLL is exact: p(x) = SNR [x follows the table] 20^-(L - k + 1)
+ (1 - SNR) 20^-L, over L + 1 predicted tokens (END is certain), so each model is
trained to its entropy floor as in the grid (a run that stops above the tolerance again
at half the learning rate, up to twice; the grid's `train_models`). Scorings as
`bench/gama_scorings.py`.

    .venv/bin/python bench/gama_dependency_only.py --threads 1
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from seqattr.schema import schema_defaults
from seqattr.gama.columns import RESIDUES
from seqattr.gama.options import IGOptions
from seqattr.gama.scoring import model_profiles
from seqattr.gama_validation.grid import attribution_sample, excess_of, score_profile, train_models
from seqattr.gama_validation.model_free import logo_information
from seqattr.generative.alphabet import tokenize

LENGTH = 16
SCORINGS_SHOWN = ["exact/mean_logit/zero/gama/input", "authors_code/mean_logit/zero/gama/input",
                  "exact/log_prob/mean_residue/null_spread/both", "-/-/-/information/-",
                  "exact/log_prob/mean_residue/null_spread_information/both",
                  "exact/log_prob/mean_residue/null_spread_or_information/both"]


def dependency_only_set(positions, snr, n, seed):
    """(sequences, each one's true NLL per predicted token): positions 1-based."""
    rng = np.random.default_rng(seed)
    residues = rng.integers(0, 20, size=(n, LENGTH))
    tables = [rng.permutation(20) for _ in positions[1:]]
    signal = rng.random(n) < snr
    first = positions[0] - 1
    for table, position in zip(tables, positions[1:]):
        residues[signal, position - 1] = table[residues[signal, first]]
    follows = np.ones(n, dtype=bool)
    for table, position in zip(tables, positions[1:]):
        follows &= residues[:, position - 1] == table[residues[:, first]]
    k = len(positions)
    probability = snr * follows * 20.0 ** -(LENGTH - k + 1) + (1 - snr) * 20.0 ** -LENGTH
    sequences = ["".join(row) for row in RESIDUES[residues]]
    return sequences, -np.log(probability) / (LENGTH + 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--attributed", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=32)
    parser.add_argument("--tolerance", type=float, default=0.01)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ig-starts", default="zero,mean_residue",
                        help="IG path starts (mean_residue alone: only ours, at a third of the cost)")
    parser.add_argument("--experiments", default="2,4:1.0;2,4:0.5;7,9,11:1.0;7,9,11:0.5;6,9:0.5",
                        help="positions:SNR, ';'-separated")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    training = {"hidden_size": args.hidden, "max_epochs": 80, "batch_size": 64, "learning_rate": 3e-3,
                "patience": 6, "tolerance": args.tolerance, "device": "cpu"}
    options = IGOptions.from_config(schema_defaults("gama"), modes=("exact", "authors_code"),
                                    readouts=("mean_logit", "log_prob"), steps=args.steps,
                                    max_sequences=args.attributed, seed=args.seed, device="cpu")
    print(f"dependency-only sets: L {LENGTH}, n {args.n}, hidden {args.hidden}, {args.attributed} attributed, "
          f"{options.quadrature} {args.steps}, tolerance {args.tolerance} nats/token, {args.threads} thread(s)")
    totals: dict[str, list[float]] = {}
    for spec in args.experiments.split(";"):
        started = time.perf_counter()
        positions = tuple(int(p) for p in spec.split(":")[0].split(","))
        snr = float(spec.split(":")[1])
        sequences, true_nll = dependency_only_set(positions, snr, args.n, args.seed)
        models = train_models(sequences, training, args.seed, true_nll, with_null=True)
        excess, null_excess = excess_of(models.history), excess_of(models.null_history)
        keep = attribution_sample(len(sequences), args.attributed, args.seed)
        found = {"/".join(key): profile.numpy() for key, profile in model_profiles(
            models.trained, models.initial, tokenize([sequences[i] for i in keep]), options,
            ig_starts=args.ig_starts.split(","),
            metrics=["gama", "null_spread", "information", "null_spread_information", "null_spread_or_information"],
            reductions=["both"] if args.ig_starts == "mean_residue" else ["input", "both"], null=models.null)}
        found["logo (set's column frequencies)"] = logo_information(sequences)
        floor = float(np.mean(true_nll))
        print(f"\n{positions} SNR {snr}: floor {floor:.4f}, excess {excess:.4f} after {len(models.history)} epochs "
              f"({'converged' if excess <= args.tolerance else 'NOT converged'}), null model excess "
              f"{null_excess:.4f} ({'converged' if null_excess <= args.tolerance else 'NOT converged'}) "
              f"({time.perf_counter() - started:.0f} s)")
        for label, profile in found.items():
            if label not in SCORINGS_SHOWN + ["logo (set's column frequencies)"]:
                continue
            scores = score_profile(profile, positions)
            totals.setdefault(label, []).append(scores["fnr_rank"])
            top = sorted(int(p) for p in scores["top_positions"].split(","))
            print(f"  {label:58s} top {top} FNR {scores['fnr_rank']:.2f}", flush=True)
    print("\nmean FNR (rank rule) over the experiments:")
    for label, values in sorted(totals.items(), key=lambda item: np.mean(item[1])):
        print(f"  {label:58s} {np.mean(values):.2f}")
    print(f"(chance for the rank rule with k of {LENGTH}: 1 - k/{LENGTH}; "
          f"ln 20 = {math.log(20):.4f} nats per residue)")


if __name__ == "__main__":
    main()
