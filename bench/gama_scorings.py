"""Which GAMA scoring finds the planted positions, on models trained to the entropy floor.

For each experiment (logic, positions, SNR), as the grid runs it (`gama_validation.grid.
run_experiment`): generate a set (clean or paper protocol), train the LSTM until its
held-out NLL is within the tolerance of the generator's own (the exact entropy floor),
attribute a sample (clean: seeded; paper: the authors' sample) with every readout from
one pass per IG start, and score the profile of every mode x readout x
ig_start x metric x reduction by the rank rule (FNR: share of planted positions not among
the top k). With the null_spread metric, the null model (the same settings and initial
weights trained to its own floor on the column-shuffled set, `seqattr.gama.null_model`)
is trained and attributed too. Every experiment prints the excess NLL of its models and
whether they converged; the summary counts them. A "null" experiment (uniform residues,
nothing planted) shows what each scoring does by position alone: its profile's Spearman
rho with the position index measures the position bias.

    .venv/bin/python bench/gama_scorings.py --threads 1 --tsv scorings.tsv
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr

from seqattr.schema import schema_defaults
from seqattr.gama.columns import RESIDUES
from seqattr.gama.ig import gama_ig_readouts
from seqattr.gama.metric import importance_profile, score_matrix
from seqattr.gama.vocabulary import (IG_STARTS, INFORMATION_METRICS, METRICS, MOMENT_METRICS, NULL_METRICS, REDUCTIONS,
                                     ig_pairs)
from seqattr.gama.null_model import train_null_model
from seqattr.gama.options import IGOptions
from seqattr.gama.scoring import model_profiles
from seqattr.gama_validation.experiments import Experiment
from seqattr.gama_validation.grid import attribution_sample, run_experiment, score_profile
from seqattr.generative.alphabet import tokenize
from seqattr.generative.engine import train_lstm
from seqattr.generative.lstm import GenerativeLSTM
from seqattr.runtime import seed_everything

LENGTH = 16
EXPERIMENTS = [("AND", (2, 4), 0.5), ("OR", (7, 9, 11), 0.5), ("XOR", (2, 4), 1.0), ("AND", (6, 7, 8, 9), 0.2),
               ("OR", (12, 14, 16), 1.0), ("XOR", (13, 15), 0.5)]


def uniform_sequences(n, seed):
    rng = np.random.default_rng(seed)
    return ["".join(row) for row in RESIDUES[rng.integers(0, len(RESIDUES), size=(n, LENGTH))]]


def standardised(profile):
    finite = profile[np.isfinite(profile)]
    return (profile - finite.mean()) / finite.std() if finite.size > 1 and finite.std() > 0 else profile * 0


def as_dict(profiles):
    """{(mode, readout, ig_start, metric, reduction): numpy profile}."""
    return {key: profile.numpy() for key, profile in profiles}


def init_z_profiles(trained, initial, tokens, options, ig_starts, metrics, reductions, inits):
    """The scorings "<metric>_init_z" of each moment metric: each entry standardised against
    the same metric with each untrained model of `inits` in the trained model's place,
    (S - mean_r S_r) / sd_r S_r."""
    pairs = ig_pairs(options.modes, options.readouts)
    out = {}
    for ig_start in ig_starts:
        def ig(model):
            return gama_ig_readouts(model, tokens, pairs, ig_start=ig_start, **options.ig_arguments())

        ig_trained, ig_initial, ig_inits = ig(trained), ig(initial), [ig(model) for model in inits]
        for pair in pairs:
            for metric in [m for m in metrics if m in MOMENT_METRICS]:
                matrix = score_matrix(ig_trained[pair], ig_initial[pair], metric)
                null = torch.stack([score_matrix(r[pair], ig_initial[pair], metric) for r in ig_inits])
                z = (matrix - null.mean(0)) / null.std(0)
                for reduction in reductions:
                    out[(*pair, ig_start, f"{metric}_init_z", reduction)] = importance_profile(z, reduction).numpy()
    return out


def untrained(k, hidden, seed):
    models = []
    for r in range(k):
        seed_everything(seed + 1000 + r)
        models.append(GenerativeLSTM(hidden).eval())
    return models


def position_bias(args, training, options, ig_starts, metrics, reductions, reference):
    """Each scoring's Spearman rho with the position index on uniform residues (nothing
    planted), the clean generator's noise-only limit: what a scoring does by position alone."""
    sequences = uniform_sequences(args.n, args.seed)
    initial, trained, _ = train_lstm(sequences, {**training, "max_epochs": 5}, args.seed)
    null = (train_null_model(sequences, training, args.seed)[0]
            if set(metrics) & set(NULL_METRICS) or reference == "null" else None)
    tokens = tokenize([sequences[i] for i in attribution_sample(len(sequences), args.attributed, args.seed)])
    found = as_dict(model_profiles(trained, null if reference == "null" else initial, tokens, options,
                                   ig_starts=ig_starts, metrics=metrics, reductions=reductions, null=null))
    if args.init_z:
        found |= init_z_profiles(trained, initial, tokens, options, ig_starts, metrics, reductions,
                                 untrained(args.init_z, args.hidden, args.seed))
    return {key: spearmanr(np.arange(LENGTH), np.nan_to_num(value, nan=np.nanmin(value)))[0]
            for key, value in found.items()}


def null_corrected(found, result, training, options, ig_starts, metrics, reductions, seed):
    """Each standardised profile minus that of the same scoring for a model trained on
    uniform sequences of the same size and seed (so the same initial model)."""
    sequences = uniform_sequences(result.n_sequences, seed + 1)
    initial, trained, _ = train_lstm(sequences, {**training, "max_epochs": 5}, seed)
    uniform = as_dict(model_profiles(trained, initial, tokenize([sequences[i] for i in result.keep]), options,
                                     ig_starts=ig_starts, reductions=reductions,
                                     metrics=[m for m in metrics if m not in NULL_METRICS + INFORMATION_METRICS]))
    return {key: standardised(value) - standardised(uniform[key]) for key, value in found.items() if key in uniform}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--protocol", choices=["clean", "paper"], default="clean")
    parser.add_argument("--n", type=int, default=10_000, help="sequences (clean) or signal sequences (paper)")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--attributed", type=int, default=500)
    parser.add_argument("--steps", type=int, default=32)
    parser.add_argument("--tolerance", type=float, default=0.01)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ig-starts", default=",".join(IG_STARTS), help="IG path starts, comma-separated")
    parser.add_argument("--metrics", default=",".join(METRICS), help="comma-separated")
    parser.add_argument("--reductions", default=",".join(REDUCTIONS), help="comma-separated")
    parser.add_argument("--tsv", default=None, help="write one row per experiment and scoring here")
    parser.add_argument("--summarise", nargs="+", default=None, metavar="TSV",
                        help="only print the summary of tables written by --tsv (runs pooled)")
    parser.add_argument("--reference", choices=["initial", "shuffled"], default="initial",
                        help="what the trained model is compared with: its untrained initial state (the paper) "
                             "or the null model, trained on the same set with each column shuffled across "
                             "sequences (same per-position residue frequencies, no dependencies between positions)")
    parser.add_argument("--null-correct", action="store_true",
                        help="subtract from each standardised profile the standardised profile of the same "
                             "scoring for a model trained on uniform sequences (same size, seed and settings: "
                             "the same initial model), i.e. what the scoring gives by position alone")
    parser.add_argument("--init-z", type=int, default=0, metavar="K",
                        help="also standardise each entry of the moment metrics against K untrained "
                             "initialisations (seeds seed + 1000 + r) in the trained model's place")
    parser.add_argument("--experiments", default=None, help="e.g. 'AND:2,4:0.5;OR:7,9,11:0.5' (default: a fixed six)")
    args = parser.parse_args()
    if args.summarise:
        summarise(pd.concat([pd.read_csv(path, sep="\t", dtype={"positions": str}) for path in args.summarise]))
        return
    torch.set_num_threads(args.threads)
    ig_starts, metrics, reductions = (args.ig_starts.split(","), args.metrics.split(","),
                                      args.reductions.split(","))
    reference = "null" if args.reference == "shuffled" else "initial"
    training = {"hidden_size": args.hidden, "max_epochs": 80, "batch_size": 64, "learning_rate": 3e-3,
                "patience": 6, "tolerance": args.tolerance, "device": "cpu"}
    options = IGOptions.from_config(schema_defaults("gama"), modes=("exact", "authors_code"),
                                    readouts=("mean_logit", "log_prob"), steps=args.steps,
                                    max_sequences=args.attributed, seed=args.seed, device="cpu")
    records = []
    print(f"protocol {args.protocol}, IG starts {ig_starts}, reference {args.reference}, n {args.n}, hidden "
          f"{args.hidden}, {args.attributed} attributed, {options.quadrature} {args.steps}, tolerance "
          f"{args.tolerance} nats/token, {args.threads} thread(s)")
    experiments = EXPERIMENTS if not args.experiments else [
        (e.split(":")[0], tuple(int(p) for p in e.split(":")[1].split(",")), float(e.split(":")[2]))
        for e in args.experiments.split(";")]
    bias = position_bias(args, training, options, ig_starts, metrics, reductions, reference)
    for logic, positions, snr in experiments:
        experiment = Experiment(logic, positions, snr, args.seed, LENGTH, args.n)
        result = run_experiment(experiment, training, options, protocol=args.protocol, ig_starts=ig_starts,
                                metrics=metrics, reductions=reductions, reference=reference)
        found = as_dict(result.profiles)
        if args.init_z:
            found |= init_z_profiles(result.models.trained, result.models.initial, result.tokens, options, ig_starts,
                                     metrics, reductions, untrained(args.init_z, args.hidden, args.seed))
        if args.null_correct:
            found = null_corrected(found, result, training, options, ig_starts, metrics, reductions, args.seed)
        with_null = not np.isnan(result.null_excess_nll)
        print(f"\n{logic} {positions} SNR {snr}: {result.n_sequences} sequences, floor {result.entropy_floor:.4f}, "
              f"excess {result.excess_nll:.4f} after {result.epochs} epochs "
              f"({'converged' if result.converged else 'NOT converged'})"
              + (f", null model excess {result.null_excess_nll:.4f} "
                 f"({'converged' if result.null_converged else 'NOT converged'})" if with_null else "")
              + f" ({result.seconds:.0f} s)")
        for key, profile in found.items():
            scores = score_profile(profile, positions)
            top = sorted(int(p) for p in scores["top_positions"].split(","))
            records.append({"protocol": args.protocol, "logic": logic, "positions": ",".join(map(str, positions)),
                            "signal_to_noise": snr, "scoring": "/".join(key), "fnr_rank": scores["fnr_rank"],
                            "top_positions": ",".join(map(str, top)), "excess_nll": result.excess_nll,
                            "converged": result.converged, "null_excess_nll": result.null_excess_nll,
                            "null_converged": result.null_converged if with_null else None,
                            "position_bias_rho": bias.get(key, float("nan"))})
            print(f"  {'/'.join(key):52s} top {top} FNR {scores['fnr_rank']:.2f}")
        if args.tsv:  # after every experiment, so that a run stopped early keeps what it measured
            pd.DataFrame(records).to_csv(args.tsv, sep="\t", index=False)

    summarise(pd.DataFrame(records))


def summarise(records: pd.DataFrame) -> None:
    """Mean FNR per scoring by SNR and over all experiments, with convergence counts."""
    experiments = records.drop_duplicates(["protocol", "logic", "positions", "signal_to_noise"])
    def true(column):  # True/False, or empty where there is no null model, as written and as read back
        return experiments[column].astype(str).str.lower() == "true"

    with_null = experiments["null_converged"].astype(str).str.lower().isin(["true", "false"]).any()
    print(f"\nconverged: {true('converged').sum()} of {len(experiments)} models, excess NLL "
          f"{experiments['excess_nll'].min():.4f} to {experiments['excess_nll'].max():.4f} nats/token"
          + (f"; null models {true('null_converged').sum()} of {len(experiments)}, excess "
             f"{experiments['null_excess_nll'].min():.4f} to {experiments['null_excess_nll'].max():.4f}"
             if with_null else ""))
    by_snr = records.pivot_table(index="scoring", columns="signal_to_noise", values="fnr_rank", aggfunc="mean",
                                 sort=False)
    print("summary: mean FNR (rank rule) over the experiments, by SNR and all; position bias = Spearman rho of the "
          "null profile with the position (0: none)")
    snrs = sorted(by_snr.columns, reverse=True)
    print(f"  {'scoring':52s} " + " ".join(f"SNR {s:<4}" for s in snrs) + "   all   bias rho")
    overall = records.groupby("scoring", sort=False).agg(fnr=("fnr_rank", "mean"), rho=("position_bias_rho", "first"))
    for label, row in overall.sort_values("fnr", kind="stable").iterrows():
        print(f"  {label:52s} " + " ".join(f"{by_snr.loc[label, s]:8.2f}" for s in snrs)
              + f" {row['fnr']:6.2f}   {row['rho']:+.2f}")


if __name__ == "__main__":
    main()
