"""One experiment of the dependency benchmark: generate, train, attribute, score edges.

A set of `dependency_sets` (pairs, parity, decoy, null) trains an LSTM on fresh samples of
its generator (`generative.schedule.train_on_generator`) and a null model the same way on
the product of the set's column marginals (every position's residue frequencies, no
dependency). GAMA attributes `n_attributed` sequences of one seeded sample of the set with
every scoring asked for; each scoring that has a matrix gives an edge table (input
position, output position, score, rank, planted, and the null model's bootstrap
distribution for the same entry), its edge AUPRC among all entries, and each profile its
position AUROC and, on the null set, the threshold rule's false-positive rate. The
model-free baselines (logo, pairwise MI with APC, pseudo-likelihood Potts with APC) read
the same sample; a scoring earns its place where they fail.

Convergence here is the learned fraction (uniform NLL - test NLL) / (uniform NLL - floor)
on a fresh test set, which an absolute tolerance cannot replace: a set whose whole
learnable gap is a few thousandths of a nat per token passes any tolerance untrained. The
grid's absolute criterion is reported beside it (`converged_excess`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from seqattr.gama.edges import residue_edges
from seqattr.gama.scoring import model_scorings
from seqattr.gama.vocabulary import Scoring, metric_kind
from seqattr.gama_validation.dependency_sets import DependencySet
from seqattr.gama_validation.detection import DEFAULT_THRESHOLD_Z, score_profile
from seqattr.gama_validation.edges import edge_auprc, edge_table, null_edge_draws, position_auroc, threshold_fpr
from seqattr.gama_validation.experiments import DependencyExperiment
from seqattr.gama_validation.model_free import Scored, model_free_scores
from seqattr.generative.alphabet import tokenize
from seqattr.generative.schedule import BENCHMARK_KEYS, train_on_generator
from seqattr.schema import schema_defaults

log = logging.getLogger(__name__)

# Sequences the model-free baselines and GAMA read: one seeded sample of the set, drawn
# with a stream apart from the training samples (the seed's high bits).
SAMPLE_STREAM = 7_919


@dataclass
class DependencyResult:
    experiment: DependencyExperiment
    planted_edges: set
    planted_positions: tuple
    floor: float
    uniform_nll: float
    state: dict
    null_state: dict
    history: pd.DataFrame
    scored: list = field(default_factory=list)
    n_attributed: int = 0
    train_seconds: float = 0.0
    gama_seconds: float = 0.0
    seconds: float = 0.0


def dependency_set(experiment: DependencyExperiment):
    return DependencySet(kind=experiment.kind, length=experiment.length,
                         signal_to_noise=experiment.signal_to_noise, seed=experiment.seed,
                         distances=tuple(experiment.distances), parity_at=experiment.parity_at)


def run_dependency_experiment(experiment: DependencyExperiment, schedule: dict, ig_options, *,
                              ig_starts=("zero",), metrics=("gama",), reductions=("input",), scorings=None,
                              model_free=("logo",), null_draws: int = 50) -> DependencyResult:
    """Train the set's model and null model, attribute, score every scoring (those in
    `scorings`, `vocabulary.Scoring`s or their strings, when given; else the
    cross product) and the model-free baselines. `ig_options.max_sequences` sequences of
    the set's sample are attributed (`n_sequences` drawn, which the baselines read)."""
    started = time.perf_counter()
    generator = dependency_set(experiment)
    rng = np.random.default_rng([experiment.seed, SAMPLE_STREAM])
    sample = generator.sample(experiment.n_sequences, rng)
    settings = {k: v for k, v in schedule.items() if k not in BENCHMARK_KEYS}
    goal = schedule.get("learned_fraction", schema_defaults("gama_grid.schedule")["learned_fraction"])
    # The null model's generator has no dependency, only column frequencies, which a model
    # learns within a few epochs: its own (shorter) run, its excess reported beside it.
    null_settings = {**settings, "epochs": schedule.get("null_epochs", settings.get("epochs"))}
    train_started = time.perf_counter()
    initial, trained, history, state = train_on_generator(generator, settings, experiment.seed)
    _, null, _, null_state = train_on_generator(generator.marginal_set(), null_settings, experiment.seed)
    train_seconds = time.perf_counter() - train_started
    state = {**state, "learned_fraction_goal": goal}
    log.info("%s: learned fraction %.3f (goal %.2f), excess %.4f after %d attempt(s); null model excess %.4f",
             experiment.id, state["learned_fraction"], goal, state["excess_nll"], state["attempts"],
             null_state["excess_nll"])

    gama_started = time.perf_counter()
    keep = rng.permutation(len(sample))[: ig_options.max_sequences or len(sample)]
    tokens = tokenize([sample[i] for i in np.sort(keep)])
    scored = attribute(trained, initial, null, tokens, ig_options, ig_starts=ig_starts, metrics=metrics,
                       reductions=reductions, scorings=scorings, null_draws=null_draws, seed=experiment.seed)
    scored += model_free_scores(sample, model_free)
    return DependencyResult(
        experiment=experiment, planted_edges=set(generator.planted_edges),
        planted_positions=tuple(generator.planted_positions), floor=float(generator.entropy_floor),
        uniform_nll=float(generator.uniform_nll), state=state, null_state=null_state, history=history,
        scored=scored, n_attributed=len(tokens), train_seconds=train_seconds,
        gama_seconds=time.perf_counter() - gama_started, seconds=time.perf_counter() - started)


def attribute(trained, initial, null, tokens, ig_options, *, ig_starts, metrics, reductions, scorings=None,
              null_draws: int = 50, seed: int = 0) -> list[Scored]:
    """Every scoring of the trained model (`gama.scoring.model_scorings`; reference: its
    initial state; the null metrics: the null model) with its residue edges and, per entry,
    the null model's bootstrap draws of the same metric (`gama_validation.edges.null_edge_draws`)."""
    results, draws_of = [], {}
    for scoring in model_scorings(trained, initial, tokens, ig_options, ig_starts=ig_starts, metrics=metrics,
                                  reductions=reductions, null=null, scorings=scorings):
        edges, draws = None, None
        if scoring.matrix is not None:
            edges = residue_edges(scoring.matrix)
            matrix_key = scoring.key[:4]  # the reductions of one matrix share its draws
            if matrix_key not in draws_of:
                draws_of[matrix_key] = null_edge_draws(scoring.ig_null, scoring.ig_reference, scoring.key[3],
                                                       null_draws, seed)
            draws = draws_of[matrix_key]
        results.append(Scored(scoring.key, np.asarray(scoring.profile, dtype=float), edges, draws))
    return results


DEPENDENCY_COLUMNS = [
    "experiment", "design", "set_kind", "signal_to_noise", "seed", "planted_positions", "planted_edges",
    "mode", "readout", "ig_start", "metric", "reduction", "kind", "edge_auprc", "position_auroc", "fnr_rank",
    "fnr_threshold", "fpr_threshold", "threshold_z", "top_positions", "criterion", "learned_fraction",
    "learned_fraction_goal", "converged", "train_nll", "test_nll", "entropy_floor", "uniform_nll", "excess_nll",
    "tolerance", "converged_excess", "attempts", "epochs", "null_excess_nll", "null_converged", "n_sequences",
    "n_attributed"]
EDGE_COLUMNS = ["experiment", "mode", "readout", "ig_start", "metric", "kind", "input", "output", "score", "rank",
                "planted", "null_mean", "null_sd", "null_p"]


def dependency_rows(result: DependencyResult, threshold_z: float = DEFAULT_THRESHOLD_Z) -> list[dict]:
    """The grid table's rows of one dependency experiment: one per scoring and baseline."""
    experiment, state, null_state = result.experiment, result.state, result.null_state
    planted = sorted(result.planted_positions)
    converged = (state["learned_fraction"] >= state["learned_fraction_goal"] if planted
                 else bool(state["converged_excess"]))
    common = {
        "experiment": experiment.id, "design": "dependency", "set_kind": experiment.kind,
        "signal_to_noise": experiment.signal_to_noise, "seed": experiment.seed,
        "planted_positions": ",".join(map(str, planted)),
        "planted_edges": ",".join(f"{i}-{o}" for i, o in sorted(result.planted_edges)),
        "threshold_z": threshold_z, "criterion": "learned_fraction" if planted else "excess_nll",
        "learned_fraction": state["learned_fraction"], "learned_fraction_goal": state["learned_fraction_goal"],
        "converged": bool(converged), "train_nll": state["train_nll"], "test_nll": state["test_nll"],
        "entropy_floor": result.floor, "uniform_nll": result.uniform_nll, "excess_nll": state["excess_nll"],
        "tolerance": state["tolerance"], "converged_excess": bool(state["converged_excess"]),
        "attempts": state["attempts"], "epochs": state["epochs"], "null_excess_nll": null_state["excess_nll"],
        "null_converged": bool(null_state["converged_excess"]), "n_sequences": experiment.n_sequences,
        "n_attributed": result.n_attributed,
    }
    rows = []
    for scored in result.scored:
        mode, readout, ig_start, metric, reduction = scored.key
        if planted:
            position = score_profile(scored.profile, planted, threshold_z)
            position["position_auroc"] = position_auroc(scored.profile, planted)
        else:  # the null set: nothing is planted, every position above the threshold is a false positive
            order = np.argsort(-np.where(np.isfinite(scored.profile), scored.profile, -np.inf), kind="stable")
            position = {"fnr_rank": float("nan"), "fnr_threshold": float("nan"),
                        "fpr_threshold": threshold_fpr(scored.profile, threshold_z), "position_auroc": float("nan"),
                        "top_positions": ",".join(str(int(i) + 1) for i in order[:3])}
        auprc = float("nan")
        if scored.edges is not None and result.planted_edges:
            auprc = edge_auprc(edge_table(scored.edges, result.planted_edges))
        rows.append({**common, "mode": mode, "readout": readout, "ig_start": ig_start, "metric": metric,
                     "reduction": reduction, "kind": metric_kind(metric), "edge_auprc": auprc, **position})
    return rows


def dependency_edges(result: DependencyResult) -> pd.DataFrame:
    """Every scoring's ranked edges (those with an edge matrix), the null model's bootstrap
    distribution beside each GAMA entry."""
    frames, seen = [], set()
    for scored in result.scored:
        mode, readout, ig_start, metric, _ = scored.key
        if scored.edges is None or scored.key[:4] in seen:  # the reductions of one matrix share its edges
            continue
        seen.add(scored.key[:4])
        table = edge_table(scored.edges, result.planted_edges, scored.null_edges)
        frames.append(table.assign(experiment=result.experiment.id, mode=mode, readout=readout, ig_start=ig_start,
                                   metric=metric, kind=metric_kind(metric)))
    if not frames:
        return pd.DataFrame(columns=EDGE_COLUMNS)
    return pd.concat(frames, ignore_index=True).reindex(columns=EDGE_COLUMNS)


SUMMARY_COLUMNS = ["scoring", "kind", "set_kind", "signal_to_noise", "seeds", "seed_role", "experiments",
                   "converged", "learned_fraction_min", "edge_auprc", "edge_auprc_min", "position_auroc",
                   "fnr_threshold", "fpr_threshold"]


def dependency_summary(frame: pd.DataFrame, choosing_seeds=(0,)) -> pd.DataFrame:
    """Per scoring, set kind, SNR and seed role (`choose`: the seeds scorings are chosen on;
    `confirm`: the others, reported after the choice is written down): how many models
    reached their learned-fraction goal, the lowest learned fraction, and, over the
    experiments whose model converged, the mean (and lowest) edge AUPRC, the mean position
    AUROC and the threshold rule's FNR and FPR (on the null set, FPR over every position)."""
    frame = frame.assign(scoring=frame.apply(lambda row: Scoring.of_row(row).label(), axis=1),
                         converged=frame["converged"].astype(str).str.lower() == "true",
                         seed_role=np.where(frame["seed"].isin(list(choosing_seeds)), "choose", "confirm"))
    rows = []
    keys = ["scoring", "kind", "set_kind", "signal_to_noise", "seed_role"]
    for key, part in frame.groupby(keys, sort=False):
        fitted = part[part["converged"]]
        rows.append({**dict(zip(keys, key)), "seeds": ",".join(map(str, sorted(part["seed"].unique()))),
                     "experiments": len(part), "converged": int(part["converged"].sum()),
                     "learned_fraction_min": part["learned_fraction"].astype(float).min(),
                     "edge_auprc": fitted["edge_auprc"].astype(float).mean(),
                     "edge_auprc_min": fitted["edge_auprc"].astype(float).min(),
                     "position_auroc": fitted["position_auroc"].astype(float).mean(),
                     "fnr_threshold": fitted["fnr_threshold"].astype(float).mean(),
                     "fpr_threshold": fitted["fpr_threshold"].astype(float).mean()})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def preregistered_ranking(summary: pd.DataFrame, *, min_snr: float = 0.7, max_null_fpr: float = 0.05,
                          kinds=("pairs", "parity", "decoy")) -> pd.DataFrame:
    """The pre-registration's rule (docs/gama_validation.md) on a `dependency_summary`'s
    choosing seeds: the GAMA scorings (kind `gama`; baselines are never chosen) whose
    threshold-rule FPR on the null set is at most `max_null_fpr`, ranked by their mean edge
    AUPRC over the converged models of the planted sets at SNR >= `min_snr`, ties by mean
    position AUROC. One row per scoring: edge_auprc, position_auroc, models, null_fpr;
    the first row is the choice."""
    choose = summary[(summary["seed_role"] == "choose") & (summary["kind"] == "gama")]
    null_fpr = choose[choose["set_kind"] == "uniform"].groupby("scoring")["fpr_threshold"].mean()
    planted = choose[choose["set_kind"].isin(list(kinds)) & (choose["signal_to_noise"].astype(float) >= min_snr)
                     & (choose["converged"] > 0)]
    # summary rows are means over their converged models: weight them back to a mean over models
    weighted = planted.assign(auprc_sum=planted["edge_auprc"] * planted["converged"],
                              auroc_sum=planted["position_auroc"] * planted["converged"])
    ranking = weighted.groupby("scoring").agg(auprc_sum=("auprc_sum", "sum"), auroc_sum=("auroc_sum", "sum"),
                                              models=("converged", "sum"))
    ranking = pd.DataFrame({"edge_auprc": ranking["auprc_sum"] / ranking["models"],
                            "position_auroc": ranking["auroc_sum"] / ranking["models"],
                            "models": ranking["models"], "null_fpr": null_fpr.reindex(ranking.index)})
    ranking = ranking[ranking["null_fpr"] <= max_null_fpr]
    return ranking.sort_values(["edge_auprc", "position_auroc"], ascending=False, kind="stable")
