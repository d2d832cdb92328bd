"""The GAMA stage's steps, one per rule: IG of the initial and trained model on a set,
the GAMA matrix and profile; their figures. Each step reads its files, scores with the
domain modules (`gama.profiles`, `gama.replicates`, `gama.residues`) and writes."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pandas as pd
import torch

from seqattr import InputError
from seqattr.figures import save_figure
from seqattr.gama.figures import gama_heatmap, gama_profile, residue_figure
from seqattr.gama.ig import gama_ig_readouts
from seqattr.gama.information import (background_table, information_profile, sequence_information,
                                      stratum_background)
from seqattr.gama.null_model import train_null_model
from seqattr.gama.options import IGOptions
from seqattr.gama.profiles import (SCORING, ReplicateIG, bootstrap_frame, check_finite_importances, matrix_frame,
                                   ranked, replicate_profile, selected, stratified_profile, stratum_scorings)
from seqattr.gama.replicates import mean_matrix, set_summary
from seqattr.gama.residues import (AGREEMENT_COLUMNS, agreement_rows, mutational_scan, replicates_residue_map,
                                   replicates_scan, residue_map)
from seqattr.gama.sequence_residues import sequence_residue_table
from seqattr.gama.strata import strata
from seqattr.gama.vocabulary import INFORMATION_METRICS, NULL_METRICS, ig_pairs, needs_null_model, needs_trained_model
from seqattr.generative.alphabet import tokenize
from seqattr.generative.checkpoint import expectation, load_model, save_model
from seqattr.generative.engine import kept_epoch, training_defaults, training_settings
from seqattr.generative.imgt import imgt_positions
from seqattr.generative.steps import read_real_set
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
    (real sets), converged, the kept epoch's train and held-out NLL per token, excess_nll,
    and nll_gap (held-out - train: how far the model overfits its training split)."""
    settings = {**training_defaults(), **training}
    return kept_epoch(history, settings["patience"], settings["min_delta"], settings["tolerance"])


CONVERGENCE_COLUMNS = ["criterion", "converged", "train_nll", "val_nll", "excess_nll", "nll_gap"]


def null_model(sequences_path, null_path, history_path, *, model: dict, training: dict, set_name: str,
               replicate: int = 1, retries: int = 0, threads: int = 1) -> None:
    """The null model of replicate k (`gama.null_model`): the LSTM of `generative.model` trained
    with `generative.training` and the replicate's seed (`training.seed + k - 1`, so from the
    real model's initial weights) on the set with its columns shuffled (within each length
    stratum for CDR3s of mixed lengths), to that set's own floor; `retries` runs at half the
    learning rate while it stops above the tolerance. Its history holds the excess over the
    floor, which on a real set is an in-sample one (`null_model`'s docstring)."""
    set_threads(threads)
    sequences = read_table(sequences_path)["sequence"].tolist()
    started = time.perf_counter()
    null, history = train_null_model(sequences, training_settings(model, training),
                                     seed=training["seed"] + replicate - 1, retries=retries)
    state = convergence(history, training)
    log.info("replicate %d: null model kept epoch %d of %d, held-out NLL %.4f, %.4f above the shuffled set's "
             "floor (%.1f s)", replicate, state["epoch"], state["epochs"], state["val_nll"], state["excess_nll"],
             time.perf_counter() - started)
    save_model(null, null_path, set_name=set_name)
    columns = [c for c in ("epoch", "train_nll", "train_nll_eval", "val_nll", "true_val_nll", "excess_nll",
                           "learning_rate") if c in history]
    write_table(history[columns].round(6), history_path)


UNIFORM = "uniform"


def information_background(background, imgt: bool) -> tuple[str, pd.DataFrame | None]:
    """(name, `information.background_table`) of `gama.information_background` as the
    workflow resolves it: None (uniform; no table), a canonical set file (the set's
    non-binders, named "negatives"), or a reference set's spec (source, path, ...: read
    as a set's `negatives` is, named "reference:<file name>")."""
    if background is None:
        return UNIFORM, None
    if isinstance(background, dict):
        frame, _ = read_real_set({"min_size": 1, **background})
        name = f"reference:{Path(background['path']).name}"
    else:
        frame, name = read_table(background), "negatives"
    try:
        return name, background_table(frame["sequence"].tolist(), imgt)
    except ValueError as error:  # e.g. a reference of another length than a set of one length
        raise InputError(f"{background['path'] if isinstance(background, dict) else background}: "
                         f"information background: {error}") from None


def stratum_information(model_path, tokens: dict, *, model: dict, set_name: str, imgt: bool,
                        table: pd.DataFrame | None) -> tuple[dict, dict]:
    """({length: information profile (L,)}, {length: each sequence's terms (N, L)}) of the
    trained model on each stratum's attributed token rows, against `table` (None: uniform)
    at the stratum's columns (IMGT positions when `imgt`)."""
    lstm = load_model(model_path, expected=expectation(model, set_name))
    profiles, terms = {}, {}
    for length, rows in tokens.items():
        columns = list(imgt_positions(length)) if imgt else [str(p) for p in range(1, length + 1)]
        background = stratum_background(table, columns) if table is not None else None
        profiles[length] = information_profile(lstm, rows, background=background)
        terms[length] = sequence_information(lstm, rows, background=background)
    return profiles, terms


def ig(model_path, sequences_path, output, *, options: dict, set_name: str, model: dict, state: str = "trained",
       replicate: int = 1, threads: int = 1, min_stratum: int = 20) -> None:
    """IG of one model (a replicate's initial or trained LSTM, checked against
    `generative.model` and the set) on the attributed sequences, for every (mode, readout)
    in one pass: a file of tensors (N, T_out, T_in), one per (mode, readout). `options`:
    the `gama` config's IG keys (`IGOptions.config_keys`). The two models of a replicate
    are separate jobs, so K replicates keep 2 cores busy. Sequences of mixed lengths (CDR3s)
    are attributed per length stratum (`gama.strata`): strata of fewer than `min_stratum`
    attributed sequences are left out, and logged."""
    set_threads(threads)
    options = IGOptions.from_config(options)
    sequences = attributed_sequences(read_table(sequences_path)["sequence"].tolist(), options.max_sequences,
                                     options.seed)
    pairs = ig_pairs(options.modes, options.readouts)
    started = time.perf_counter()
    lstm = load_model(model_path, expected=expectation(model, set_name))
    kept, counts = strata([len(s) for s in sequences], 1 if len({len(s) for s in sequences}) == 1 else min_stratum)
    if not kept:
        raise InputError(f"{sequences_path}: no CDR3 length has at least gama.min_stratum = {min_stratum} "
                         f"attributed sequences (lengths and counts: {counts})")
    left_out = {length: n for length, n in counts.items() if length not in kept}
    if left_out:
        log.warning("length strata left out (fewer than %d sequences): %s", min_stratum, left_out)
    per_length, per_length_tokens = [], []
    for length in kept:
        tokens = tokenize([s for s in sequences if len(s) == length])
        tensors = gama_ig_readouts(lstm, tokens, pairs, **options.ig_arguments())
        per_length.append([tensors[p].contiguous() for p in pairs])
        per_length_tokens.append(tokens)
    log.info("replicate %d: IG of the %s model on %d sequences in %d length strata (%s, %s x %d): %.1f s",
             replicate, state, sum(counts[k] for k in kept), len(kept), ", ".join("/".join(p) for p in pairs),
             options.quadrature, options.steps, time.perf_counter() - started)
    # the token rows too: the residue views read which residue each attributed sequence has
    torch.save({"scorings": [list(p) for p in pairs], "lengths": kept, "strata": per_length,
                "tokens": per_length_tokens}, output)


def read_ig_tokens(path) -> dict:
    """{length: token rows (N, L + 2)} of the sequences `ig` attributed."""
    saved = torch.load(path, weights_only=True)
    if "tokens" not in saved:
        raise InputError(f"{path}: an IG file without its token rows (written before the residue views); "
                         "delete it and rerun its gama_ig job")
    return {int(length): tokens for length, tokens in zip(saved["lengths"], saved["tokens"])}


def residue_views(ig_initial_paths, ig_trained_paths, model_paths, sequences_path, residue_map_path, scan_path,
                  agreement_path, png, pdf, *, set_name: str, model: dict, imgt: bool = False,
                  negatives_residues=None, max_sequences: int | None = None, seed: int = 0,
                  threads: int = 1) -> None:
    """The position x residue views of a set over its replicates (`gama.residues`): the IG
    residue map (trained, initial, difference; mean over replicates), the model's
    mutational scan (mean over replicates' trained models, on the attributed sequences),
    and, with non-binders, each one's Spearman rho with the binder/non-binder log-odds
    over the (position, residue) cells."""
    set_threads(threads)
    maps = []
    for replicate, (initial_path, trained_path) in enumerate(zip(ig_initial_paths, ig_trained_paths), start=1):
        initial, trained, tokens = read_ig(initial_path), read_ig(trained_path), read_ig_tokens(trained_path)
        for length in trained:
            for mode, readout in trained[length]:
                maps.append(residue_map(trained[length][(mode, readout)], initial[length][(mode, readout)],
                                        tokens[length], imgt).assign(mode=mode, readout=readout,
                                                                     replicate=replicate))
    residues = replicates_residue_map(maps)
    sequences = attributed_sequences(read_table(sequences_path)["sequence"].tolist(), max_sequences, seed)
    scan = replicates_scan([mutational_scan(load_model(path, expected=expectation(model, set_name)), sequences,
                                            imgt).assign(replicate=replicate)
                            for replicate, path in enumerate(model_paths, start=1)])
    rows = []
    if negatives_residues is not None:
        rows = agreement_rows(scan, residues, read_table(negatives_residues, dtype={"column": str}))
        for row in rows:
            log.info("%s %s/%s vs binder/non-binder log-odds: Spearman rho %.3f over %d cells", row["view"],
                     row["mode"], row["readout"], row["spearman_rho"], row["n_cells"])
    write_table(residues.round(6), residue_map_path)
    write_table(scan.round(6), scan_path)
    write_table(pd.DataFrame(rows, columns=AGREEMENT_COLUMNS).round(6), agreement_path)
    save_figure(residue_figure(residues, scan, set_name), png, pdf)


def read_ig(path) -> dict:
    """{length: {(mode, readout): IG tensor}} as `ig` wrote it (one key for a set of one length)."""
    saved = torch.load(path, weights_only=True)
    if "strata" not in saved:  # a file written before the length strata
        tensors = saved["tensors"]
        return {tensors[0].shape[1] - 2: {tuple(pair): t for pair, t in zip(saved["scorings"], tensors)}}
    return {int(length): {tuple(pair): t for pair, t in zip(saved["scorings"], tensors)}
            for length, tensors in zip(saved["lengths"], saved["strata"])}


def check_same_layout(ig: dict, ig_trained: dict, path, trained_path) -> None:
    """ValueError unless two `read_ig` results hold the same length strata, each with the
    same (mode, readout) scorings in the same order: the scorings pair them key by key."""
    if list(ig) != list(ig_trained) or any(list(ig[k]) != list(ig_trained[k]) for k in ig_trained):
        raise ValueError(f"{path} and {trained_path} hold different scorings or length strata")


def gama(ig_initial_path, ig_trained_path, matrix_path, profile_path, bootstrap_path=None, *,
         metrics=("gama",), reductions=("input",), bootstrap: int = 0, seed: int = 0, replicate: int = 1,
         threads: int = 1, history_path=None, training: dict | None = None, imgt: bool = False,
         ig_null_path=None, null_history_path=None, trained_model_path=None, model: dict | None = None,
         set_name: str | None = None, background=None, scorings=None) -> None:
    """One replicate's scorings from its two models' IG (`ig`): every (mode, readout) x
    metric x reduction: the matrices, the profiles and, when `bootstrap` > 0, that many
    bootstrap profiles over the attributed sequences (`profiles.bootstrap_frame`, seeded
    by (seed, replicate)). Every profile row carries the replicate's convergence
    (`convergence`), read from its history. `imgt` (a CDR3 set, e.g. from an AIRR file):
    each position also gets its IMGT CDR3 number (`imgt_position`, `generative.imgt`).

    What each metric reads is `read_replicate_ig`'s: the null model's IG
    (`ig_null_path`; `null_history_path` adds its excess over the shuffled set's floor,
    `null_excess_nll`), the trained model (`trained_model_path`, `model`, `set_name`)
    against `background`. `information` has no matrix and reads no IG, so its profile is
    one set of rows, "-" for the mode, readout and reduction. `scorings`
    (`vocabulary.Scoring` strings, mode/readout/ig_start/metric/reduction with the gama
    section's IG start): only these GAMA scorings, and every baseline among `metrics`, are
    written (None: every one computed)."""
    set_threads(threads)
    ig = read_replicate_ig(ig_initial_path, ig_trained_path, metrics, imgt=imgt, ig_null_path=ig_null_path,
                           trained_model_path=trained_model_path, model=model, set_name=set_name,
                           background=background)
    if ig.background is not None:
        log.info("replicate %d: information against the %s background", replicate, ig.background)
    per_length, matrices = stratum_scorings(ig, metrics, reductions)
    profile = ranked(selected(stratified_profile(per_length, ig.counts, SCORING, imgt), scorings))
    for key, part in profile.groupby(SCORING, sort=False):
        log.info("%s: top positions %s", "/".join(key), part.sort_values("rank")
                 [("imgt_position" if imgt else "position")].head(4).tolist())
    write_table(matrix_frame(matrices, ig.counts, profile).round({"score": 6}), matrix_path)
    profile = with_convergence(replicate_profile(profile, ig, imgt, replicate), history_path, null_history_path,
                               training or {}, replicate)
    write_table(profile, profile_path)
    if bootstrap_path is not None:
        started = time.perf_counter()
        write_table(bootstrap_frame(ig, metrics, reductions, bootstrap, seed, replicate, imgt, scorings),
                    bootstrap_path)
        log.info("replicate %d: %d bootstrap draws over %d sequences: %.1f s", replicate, bootstrap,
                 sum(ig.counts.values()), time.perf_counter() - started)


def read_replicate_ig(ig_initial_path, ig_trained_path, metrics, *, imgt: bool, ig_null_path=None,
                      trained_model_path=None, model: dict | None = None, set_name: str | None = None,
                      background=None) -> ReplicateIG:
    """What one replicate's `metrics` read (`profiles.ReplicateIG`): the two models' IG
    (`read_ig`, the same strata and scorings), the null model's IG for the metrics that
    need a null model (`vocabulary.NULL_METRICS`), and for those that read the trained
    model (`vocabulary.INFORMATION_METRICS`) its information on the attributed token rows
    against `background` (`information_background`; None: uniform)."""
    ig = ReplicateIG(read_ig(ig_initial_path), read_ig(ig_trained_path))
    check_same_layout(ig.initial, ig.trained, ig_initial_path, ig_trained_path)
    if len(ig.trained) > 1 and not imgt:
        raise ValueError("sequences of several lengths are compared on IMGT CDR3 positions only (a CDR3 set)")
    if needs_null_model(metrics):
        if ig_null_path is None:
            raise ValueError(f"metrics {sorted(set(metrics) & set(NULL_METRICS))} need the null model's IG")
        ig.null = read_ig(ig_null_path)
        check_same_layout(ig.null, ig.trained, ig_null_path, ig_trained_path)
    if needs_trained_model(metrics):
        if trained_model_path is None or model is None:
            raise ValueError(f"metrics {sorted(set(metrics) & set(INFORMATION_METRICS))} need the trained model")
        ig.background, table = information_background(background, imgt)
        ig.information, ig.information_terms = stratum_information(
            trained_model_path, read_ig_tokens(ig_trained_path), model=model, set_name=set_name, imgt=imgt,
            table=table)
    return ig


def with_convergence(profile: pd.DataFrame, history_path, null_history_path, training: dict,
                     replicate: int) -> pd.DataFrame:
    """The profile with the replicate's convergence (`CONVERGENCE_COLUMNS`, from its
    history) and its null model's excess (`null_excess_nll`), where their files are given."""
    if history_path is not None:
        state = convergence(read_table(history_path), training)
        profile = profile.assign(**{k: state[k] for k in CONVERGENCE_COLUMNS}).round(
            {"train_nll": 6, "val_nll": 6, "excess_nll": 6, "nll_gap": 6})
        log.info("replicate %d: kept epoch %d of %d, train NLL %.4f, held-out NLL %.4f (gap %.4f); %s criterion %s",
                 replicate, state["epoch"], state["epochs"], state["train_nll"], state["val_nll"], state["nll_gap"],
                 state["criterion"], "met" if state["converged"] else "NOT met")
    if null_history_path is not None:
        null_state = convergence(read_table(null_history_path), training)
        profile = profile.assign(null_excess_nll=round(null_state["excess_nll"], 6))
    return profile


def summarise(profile_paths, bootstrap_paths, matrix_paths, profile_path, matrix_path, *, level: float = 0.95,
              set_name: str = "") -> None:
    """The set's profile and matrix over its replicates: per scoring and position the mean
    importance, sd over replicates, bootstrap interval and top-4 stability, with the
    replicates' convergence beside every row (`replicates.set_summary`); the matrix is the
    mean (and sd) over replicates (`replicates.mean_matrix`)."""
    # IMGT positions are labels, not numbers: read as floats, 111.10 would become 111.1
    tables = [read_table(path, dtype={"imgt_position": str}) for path in profile_paths]
    for path, table in zip(profile_paths, tables):
        check_finite_importances(table, path, set_name)
    profiles = pd.concat(tables, ignore_index=True)
    boots = [read_table(path) for path in bootstrap_paths]
    summary, state = set_summary(profiles, pd.concat(boots, ignore_index=True) if boots else pd.DataFrame(), level,
                                 CONVERGENCE_COLUMNS)
    if state:
        log.info("%s: %s criterion met by %s replicates; mean train NLL %.4f, held-out NLL %.4f (gap %s)", set_name,
                 state["criterion"], state["converged_replicates"], state["train_nll"], state["val_nll"],
                 f"{state['nll_gap']:.4f}" if "nll_gap" in state else "not recorded")
    write_table(summary.round(6), profile_path)
    matrices = pd.concat([read_table(path) for path in matrix_paths], ignore_index=True)
    write_table(mean_matrix(matrices).round(6), matrix_path)


def figures(matrix_path, profile_path, heatmap_png, heatmap_pdf, profile_png, profile_pdf, *, name: str,
            truth_path=None, replicate_paths=()) -> None:
    """The GAMA heatmap and profile of a set (the mean over its replicates, with the
    bootstrap interval as error bars and each replicate as a dot); a synthetic set's
    implanted positions are marked."""
    truth = set(read_table(truth_path)["position"]) if truth_path else set()
    replicates = pd.concat([read_table(path) for path in replicate_paths]) if replicate_paths else None
    save_figure(gama_heatmap(read_table(matrix_path), name), heatmap_png, heatmap_pdf)
    save_figure(gama_profile(read_table(profile_path), name, truth, replicates), profile_png, profile_pdf)


def sequence_residues(ig_initial_paths, ig_trained_paths, sequences_path, output, *, set_name: str,
                      imgt: bool = False, max_sequences: int | None = None, seed: int = 0) -> None:
    """GAMA's per-residue IG of every attributed sequence and replicate as one long table
    (`gama.sequence_residues`), `sequence_id` the set's `id`."""
    table = read_table(sequences_path, dtype={"id": str})
    ids = attributed_sequences(table["id"].tolist(), max_sequences, seed)
    sequences = attributed_sequences(table["sequence"].tolist(), max_sequences, seed)
    frames = [sequence_residue_table(set_name, ids, sequences, read_ig(trained_path), read_ig(initial_path),
                                     read_ig_tokens(trained_path), imgt=imgt, replicate=replicate)
              for replicate, (initial_path, trained_path) in enumerate(zip(ig_initial_paths, ig_trained_paths), 1)]
    write_table(pd.concat(frames, ignore_index=True).round({"ig_trained": 6, "ig_initial": 6, "difference": 6}),
                output)
