"""Which GAMA scoring finds the planted positions, on models trained to the entropy floor.

For each experiment (logic, positions, SNR): generate a set (clean or paper protocol), train
the LSTM until its held-out NLL is within the tolerance of the generator's own (the exact
entropy floor), attribute a sample (clean: seeded; paper: the authors' sample) with every
readout from one pass per IG baseline, and score the profile of every mode x readout x
baseline x metric x reduction by the rank rule (FNR: share of planted positions not among
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
import itertools
import time

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr

from seqattr.gama.ig import gama_ig_readouts
from seqattr.gama.ig import BASELINES
from seqattr.gama.information import information_profile
from seqattr.gama.metric import (INFORMATION_METRICS, METRICS, MOMENT_METRICS, NULL_METRICS, REDUCTIONS,
                                 combined_profile, importance_profile, score_matrix, union_profile)
from seqattr.gama.null_model import train_null_model
from seqattr.gama_validation.detection import detected_by_rank, false_negative_rate
from seqattr.generative.alphabet import tokenize
from seqattr.generative.engine import train_lstm
from seqattr.generative.lstm import GenerativeLSTM
from seqattr.generative.entropy import entropy_floor, signal_weight, true_token_nll
from seqattr.generative.paper_protocol import paper_attributed_indices, paper_positive_set
from seqattr.generative.sets import synthetic_positive_set
from seqattr.runtime import seed_everything, seeded_subsample

SCORINGS = [("exact", "mean_logit"), ("published", "mean_logit"), ("exact", "log_prob")]
EXPERIMENTS = [("AND", (2, 4), 0.5), ("OR", (7, 9, 11), 0.5), ("XOR", (2, 4), 1.0), ("AND", (6, 7, 8, 9), 0.2),
               ("OR", (12, 14, 16), 1.0), ("XOR", (13, 15), 0.5)]


def make_set(protocol, logic, positions, snr, n, seed):
    if protocol == "paper":
        frame, truth = paper_positive_set(16, positions, logic, snr, seed=seed, n_signal=n)
    else:
        frame, truth = synthetic_positive_set(16, n, positions, logic, snr, seed)
    return frame, truth, signal_weight(protocol, len(frame), snr, n_signal=n)


def shuffled_reference(sequences, training, seed):
    """An LSTM trained on the set with every column shuffled across sequences independently."""
    rng = np.random.default_rng(seed + 1)
    columns = np.array([list(s) for s in sequences])
    for column in range(columns.shape[1]):
        columns[:, column] = rng.permutation(columns[:, column])
    _, model, _ = train_lstm(["".join(row) for row in columns], {**training, "max_epochs": 8}, seed)
    return model


def uniform_sequences(n, seed):
    rng = np.random.default_rng(seed)
    letters = np.array(list("ACDEFGHIKLMNPQRSTVWY"))
    return ["".join(row) for row in letters[rng.integers(0, 20, size=(n, 16))]]


def standardised(profile):
    finite = profile[np.isfinite(profile)]
    return (profile - finite.mean()) / finite.std() if finite.size > 1 and finite.std() > 0 else profile * 0


def profiles(initial, trained, tokens, steps, baselines, metrics, reductions, null=None, inits=()):
    """{(mode, readout, baseline, metric, reduction): profile}; `null` is the null model.

    `inits` (untrained models, other seeds) add the scorings "<metric>_init_z" for each
    moment metric: each entry standardised against the same metric with each untrained
    model in the trained model's place, (S - mean_r S_r) / sd_r S_r (tried, not kept)."""
    out = {}
    information = information_profile(trained, tokens) if set(metrics) & set(INFORMATION_METRICS) else None
    for baseline in baselines:
        ig = {name: gama_ig_readouts(model, tokens, SCORINGS, steps=steps, baseline=baseline, device="cpu")
              for name, model in (("trained", trained), ("initial", initial), ("null", null)) if model is not None}
        ig_inits = [gama_ig_readouts(model, tokens, SCORINGS, steps=steps, baseline=baseline, device="cpu")
                    for model in inits]
        for scoring, metric, reduction in itertools.product(SCORINGS, metrics, reductions):
            key = (scoring[0], scoring[1], baseline, metric, reduction)
            if metric == "information":  # the model's own, the same under every key
                out[key] = information.numpy()
                continue
            matrix = score_matrix(ig["trained"][scoring], ig["initial"][scoring], metric,
                                  ig_null=ig["null"][scoring] if "null" in ig else None)
            out[key] = (combined_profile(matrix, information, reduction) if metric == "null_spread_information"
                        else union_profile(matrix, information, reduction) if metric == "null_spread_or_information"
                        else importance_profile(matrix, reduction)).numpy()
            if ig_inits and metric in MOMENT_METRICS:
                null = torch.stack([score_matrix(r[scoring], ig["initial"][scoring], metric) for r in ig_inits])
                z = (matrix - null.mean(0)) / null.std(0)
                out[(scoring[0], scoring[1], baseline, f"{metric}_init_z", reduction)] = \
                    importance_profile(z, reduction).numpy()
    return out


def untrained(k, hidden, seed):
    models = []
    for r in range(k):
        seed_everything(seed + 1000 + r)
        models.append(GenerativeLSTM(hidden).eval())
    return models


def excess_of(history):
    return float(history.loc[history["val_nll"].idxmin(), "excess_nll"])


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
    parser.add_argument("--baselines", default=",".join(BASELINES), help="IG baselines, comma-separated")
    parser.add_argument("--metrics", default=",".join(METRICS), help="comma-separated")
    parser.add_argument("--reductions", default=",".join(REDUCTIONS), help="comma-separated")
    parser.add_argument("--tsv", default=None, help="write one row per experiment and scoring here")
    parser.add_argument("--summarise", nargs="+", default=None, metavar="TSV",
                        help="only print the summary of tables written by --tsv (runs pooled)")
    parser.add_argument("--reference", choices=["initial", "shuffled"], default="initial",
                        help="what the trained model is compared with: its untrained initial state (the paper) "
                             "or a model trained on the same set with each column shuffled across sequences "
                             "(same per-position residue frequencies, no dependencies between positions)")
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
    baselines, metrics, reductions = (args.baselines.split(","), args.metrics.split(","),
                                      args.reductions.split(","))
    with_null = bool(set(metrics) & set(NULL_METRICS))
    training = {"hidden_size": args.hidden, "max_epochs": 80, "batch_size": 64, "learning_rate": 3e-3,
                "patience": 6, "tolerance": args.tolerance, "device": "cpu"}
    records = []
    print(f"protocol {args.protocol}, baselines {baselines}, reference {args.reference}, n {args.n}, hidden "
          f"{args.hidden}, {args.attributed} attributed, Gauss-Legendre {args.steps}, tolerance {args.tolerance} "
          f"nats/token, {args.threads} thread(s)")
    experiments = EXPERIMENTS if not args.experiments else [
        (e.split(":")[0], tuple(int(p) for p in e.split(":")[1].split(",")), float(e.split(":")[2]))
        for e in args.experiments.split(";")]
    # the null: uniform residues, nothing planted (AND at one position pair with SNR ~0
    # is not defined; a set of uniform sequences is the clean generator's noise-only limit)
    sequences = uniform_sequences(args.n, args.seed)
    initial, trained, _ = train_lstm(sequences, {**training, "max_epochs": 5}, args.seed)
    if args.reference == "shuffled":
        initial = shuffled_reference(sequences, training, args.seed)
    null = train_null_model(sequences, training, args.seed)[0] if with_null else None
    keep = seeded_subsample(len(sequences), args.attributed, args.seed)
    found = profiles(initial, trained, tokenize([sequences[i] for i in keep]), args.steps, baselines, metrics,
                     reductions, null, untrained(args.init_z, args.hidden, args.seed))
    bias = {"/".join(key): spearmanr(np.arange(16), np.nan_to_num(value, nan=np.nanmin(value)))[0]
            for key, value in found.items()}
    for logic, positions, snr in experiments:
        started = time.perf_counter()
        frame, truth, weight = make_set(args.protocol, logic, positions, snr, args.n, args.seed)
        sequences = frame["sequence"].tolist()
        reference = true_token_nll(sequences, args.protocol, logic, positions, truth["token"].tolist(), weight)
        initial, trained, history = train_lstm(sequences, training, args.seed, true_nll=reference)
        if args.reference == "shuffled":
            initial = shuffled_reference(sequences, training, args.seed)
        null, null_excess = None, float("nan")
        if with_null:
            null, null_history = train_null_model(sequences, training, args.seed)
            null_excess = excess_of(null_history)
        excess = excess_of(history)
        if args.protocol == "paper":
            keep = paper_attributed_indices(args.n, snr, args.attributed)
        else:
            keep = seeded_subsample(len(sequences), args.attributed, args.seed)
        found = profiles(initial, trained, tokenize([sequences[i] for i in keep]), args.steps, baselines, metrics,
                         reductions, null, untrained(args.init_z, args.hidden, args.seed))
        if args.null_correct:
            null_sequences = uniform_sequences(len(sequences), args.seed + 1)
            null_initial, null_trained, _ = train_lstm(null_sequences, {**training, "max_epochs": 5}, args.seed)
            uniform = profiles(null_initial, null_trained, tokenize([null_sequences[i] for i in keep]), args.steps,
                               baselines, [m for m in metrics if m not in NULL_METRICS + INFORMATION_METRICS],
                               reductions)
            found = {key: standardised(value) - standardised(uniform[key]) for key, value in found.items()
                     if key in uniform}
        floor = entropy_floor(args.protocol, logic, 16, len(positions), weight)
        converged = excess <= args.tolerance
        null_converged = null_excess <= args.tolerance if with_null else None
        print(f"\n{logic} {positions} SNR {snr}: {len(sequences)} sequences, floor {floor:.4f}, excess {excess:.4f} "
              f"after {len(history)} epochs ({'converged' if converged else 'NOT converged'})"
              + (f", null model excess {null_excess:.4f} ({'converged' if null_converged else 'NOT converged'})"
                 if with_null else "") + f" ({time.perf_counter() - started:.0f} s)")
        for key, profile in found.items():
            top = (np.argsort(-np.nan_to_num(profile, nan=-np.inf), kind="stable")[: len(positions)] + 1).tolist()
            fnr = false_negative_rate(detected_by_rank(profile, positions))
            records.append({"protocol": args.protocol, "logic": logic, "positions": ",".join(map(str, positions)),
                            "signal_to_noise": snr, "scoring": "/".join(key), "fnr_rank": fnr,
                            "top_positions": ",".join(map(str, sorted(top))), "excess_nll": excess,
                            "converged": converged, "null_excess_nll": null_excess,
                            "null_converged": null_converged, "position_bias_rho": bias["/".join(key)]})
            print(f"  {'/'.join(key):52s} top {sorted(top)} FNR {fnr:.2f}")
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
