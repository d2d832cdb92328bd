"""The GAMA stage's steps, one per rule: IG of the initial and trained model on a set,
the GAMA matrix and profile; their figures."""

from __future__ import annotations

import logging
import time

import pandas as pd
import torch

from seqattr.figures import save_figure
from seqattr.gama.ig import gama_ig_readouts
from seqattr.gama.metric import matrix_table, metric_kind, profile_table, scoring_profiles, scorings
from seqattr.gama.options import IGOptions
from seqattr.gama.replicates import bootstrap_profiles, convergence_summary, summarise_replicates
from seqattr.generative.alphabet import tokenize
from seqattr.generative.checkpoint import expectation, load_model
from seqattr.generative.engine import kept_epoch, training_defaults
from seqattr.io import read_table, write_table
from seqattr.runtime import seeded_subsample, set_threads

log = logging.getLogger(__name__)


def attributed_sequences(sequences: list[str], max_sequences: int | None, seed: int) -> list[str]:
    """A seeded subset of at most `max_sequences` (all when None), in file order: the
    workflow's one subsampler, so the GAMA grid attributes the same subset for a seed."""
    return [sequences[i] for i in seeded_subsample(len(sequences), max_sequences, seed)]


def convergence(history: pd.DataFrame, training: dict) -> dict:
    """The kept model's convergence (`engine.kept_epoch`) under `generative.training`'s
    patience, min_delta and tolerance: criterion entropy_floor (synthetic sets) or plateau
    (real sets), converged, the kept epoch's train and held-out NLL per token, excess_nll."""
    settings = {**training_defaults(), **training}
    return kept_epoch(history, settings["patience"], settings["min_delta"], settings["tolerance"])


CONVERGENCE_COLUMNS = ["criterion", "converged", "train_nll", "val_nll", "excess_nll"]


def ig(model_path, sequences_path, output, *, options: dict, set_name: str, model: dict, state: str = "trained",
       replicate: int = 1, threads: int = 1) -> None:
    """IG of one model (a replicate's initial or trained LSTM, checked against
    `generative.model` and the set) on the attributed sequences, for every (mode, readout)
    in one pass: a file of tensors (N, T_out, T_in), one per (mode, readout). `options`:
    the `gama` config's IG keys (`IGOptions.config_keys`). The two models of a replicate
    are separate jobs, so K replicates keep 2 cores busy."""
    set_threads(threads)
    options = IGOptions.from_config(options)
    sequences = attributed_sequences(read_table(sequences_path)["sequence"].tolist(), options.max_sequences,
                                     options.seed)
    pairs = scorings(options.modes, options.readouts)
    started = time.perf_counter()
    lstm = load_model(model_path, expected=expectation(model, set_name))
    tensors = gama_ig_readouts(lstm, tokenize(sequences), pairs, **options.ig_arguments())
    log.info("replicate %d: IG of the %s model on %d sequences (%s, %s x %d): %.1f s", replicate, state,
             len(sequences), ", ".join("/".join(p) for p in pairs), options.quadrature, options.steps,
             time.perf_counter() - started)
    torch.save({"scorings": [list(p) for p in pairs], "tensors": [tensors[p].contiguous() for p in pairs]}, output)


def read_ig(path) -> dict:
    """The (mode, readout) -> IG tensor dict that `ig` wrote."""
    saved = torch.load(path, weights_only=True)
    return {tuple(pair): tensor for pair, tensor in zip(saved["scorings"], saved["tensors"])}


def gama(ig_initial_path, ig_trained_path, matrix_path, profile_path, bootstrap_path=None, *,
         metrics=("gama",), reductions=("input",), bootstrap: int = 0, seed: int = 0, replicate: int = 1,
         threads: int = 1, history_path=None, training: dict | None = None) -> None:
    """One replicate's scorings from its two models' IG (`ig`): every (mode, readout) x
    metric x reduction: the matrices, the profiles and, when `bootstrap` > 0, that many
    bootstrap profiles over the attributed sequences (`replicates.bootstrap_profiles`,
    seeded by (seed, replicate)). Every profile row carries the replicate's convergence
    (`convergence`), read from its history."""
    set_threads(threads)
    ig_initial, ig_trained = read_ig(ig_initial_path), read_ig(ig_trained_path)
    if list(ig_initial) != list(ig_trained):
        raise ValueError(f"{ig_initial_path} and {ig_trained_path} hold different scorings")
    n_attributed = next(iter(ig_trained.values())).shape[0]
    matrices, profiles = [], []
    for (mode, readout, metric, reduction), matrix, profile in scoring_profiles(ig_trained, ig_initial, metrics,
                                                                                reductions):
        labels = {"readout": readout, "metric": metric}
        if reduction == reductions[0]:
            matrices.append(matrix_table(matrix, mode).assign(**labels))
        table = profile_table(profile, mode).assign(**labels, reduction=reduction, kind=metric_kind(metric))
        profiles.append(table)
        log.info("%s/%s/%s/%s: top positions %s", mode, readout, metric, reduction,
                 table.sort_values("rank").position.head(4).tolist())
    matrix_columns = ["mode", "readout", "metric", "output_pos", "input_pos", "score"]
    write_table(pd.concat(matrices)[matrix_columns].round({"score": 6}), matrix_path)
    profile = pd.concat(profiles)[["mode", "readout", "metric", "reduction", "kind", "position", "importance",
                                   "rank"]]
    profile = profile.round({"importance": 6}).assign(replicate=replicate, n_attributed=n_attributed)
    if history_path is not None:
        state = convergence(read_table(history_path), training or {})
        profile = profile.assign(**{k: state[k] for k in CONVERGENCE_COLUMNS}).round(
            {"train_nll": 6, "val_nll": 6, "excess_nll": 6})
        log.info("replicate %d: kept epoch %d of %d, train NLL %.4f, held-out NLL %.4f; %s criterion %s",
                 replicate, state["epoch"], state["epochs"], state["train_nll"], state["val_nll"],
                 state["criterion"], "met" if state["converged"] else "NOT met")
    write_table(profile, profile_path)
    if bootstrap_path is not None:
        started = time.perf_counter()
        draws = bootstrap_profiles(ig_trained, ig_initial, metrics, reductions, bootstrap, [seed, replicate])
        write_table(draws.assign(replicate=replicate).round({"importance": 6}), bootstrap_path)
        log.info("replicate %d: %d bootstrap draws over %d sequences: %.1f s", replicate, bootstrap, n_attributed,
                 time.perf_counter() - started)


def summarise(profile_paths, bootstrap_paths, matrix_paths, profile_path, matrix_path, *, level: float = 0.95,
              set_name: str = "") -> None:
    """The set's profile and matrix over its replicates: per scoring and position the mean
    importance, sd over replicates, bootstrap interval and top-4 stability
    (`replicates.summarise_replicates`), with the replicates' convergence beside every row
    (`replicates.convergence_summary`); the matrix is the mean (and sd) over replicates."""
    profiles = pd.concat([read_table(path) for path in profile_paths], ignore_index=True)
    boots = [read_table(path) for path in bootstrap_paths]
    summary = summarise_replicates(profiles, pd.concat(boots, ignore_index=True) if boots else pd.DataFrame(),
                                   level)
    # what each scoring is (`metric.metric_kind`): gama, gama+baseline or baseline
    summary.insert(summary.columns.get_loc("reduction") + 1, "kind", summary["metric"].map(metric_kind))
    states = profiles.drop_duplicates("replicate")
    if "criterion" in profiles:
        state = convergence_summary(states[CONVERGENCE_COLUMNS].to_dict("records"))
        summary = summary.assign(**state)
        log.info("%s: %s criterion met by %s replicates; mean train NLL %.4f, held-out NLL %.4f", set_name,
                 state["criterion"], state["converged_replicates"], state["train_nll"], state["val_nll"])
    summary = summary.assign(n_attributed=int(states["n_attributed"].iloc[0]))
    write_table(summary.round(6), profile_path)
    matrices = pd.concat([read_table(path) for path in matrix_paths], ignore_index=True)
    keys = ["mode", "readout", "metric", "output_pos", "input_pos"]
    mean = (matrices.groupby(keys, sort=False, dropna=False)["score"].agg(score="mean", sd="std").reset_index())
    write_table(mean.round(6), matrix_path)


def figures(matrix_path, profile_path, heatmap_png, heatmap_pdf, profile_png, profile_pdf, *, name: str,
            truth_path=None, replicate_paths=()) -> None:
    """The GAMA heatmap and profile of a set (the mean over its replicates, with the
    bootstrap interval as error bars and each replicate as a dot); a synthetic set's
    implanted positions are marked."""
    from seqattr.gama.figures import gama_heatmap, gama_profile

    truth = set(read_table(truth_path)["position"]) if truth_path else set()
    replicates = pd.concat([read_table(path) for path in replicate_paths]) if replicate_paths else None
    save_figure(gama_heatmap(read_table(matrix_path), name), heatmap_png, heatmap_pdf)
    save_figure(gama_profile(read_table(profile_path), name, truth, replicates), profile_png, profile_pdf)
