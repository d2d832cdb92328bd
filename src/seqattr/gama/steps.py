"""The GAMA stage's steps, one per rule: IG of the initial and trained model on a set,
the GAMA matrix and profile; their figures."""

from __future__ import annotations

import logging
import time

import pandas as pd
import torch

from seqattr.figures import save_figure
from seqattr.gama.ig import gama_ig_readouts
from seqattr.gama.metric import matrix_table, metric_kind, scoring_profiles, scorings
from seqattr.gama.options import IGOptions
from seqattr import InputError
from seqattr.gama.replicates import bootstrap_profiles, convergence_summary, summarise_replicates
from seqattr.gama.strata import combine_matrices, combine_profiles, strata
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


def imgt_column(positions, length: int) -> list[str]:
    """The IMGT CDR3 number of each residue position (1-based) of a CDR3 of `length` residues."""
    from seqattr.generative.imgt import imgt_positions

    numbers = imgt_positions(length)
    return [numbers[int(p) - 1] for p in positions]


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
    from seqattr.gama.null_model import train_null_model
    from seqattr.generative.checkpoint import save_model
    from seqattr.generative.engine import training_settings

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
    from pathlib import Path

    from seqattr.gama.information import background_table

    if background is None:
        return UNIFORM, None
    if isinstance(background, dict):
        from seqattr.generative.steps import read_real_set

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
    from seqattr.gama.information import information_profile, sequence_information, stratum_background
    from seqattr.generative.imgt import imgt_positions

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
    pairs = scorings(options.modes, options.readouts)
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
    from seqattr.gama.figures import residue_figure
    from seqattr.gama.residues import cell_agreement, mutational_scan, residue_map, summarise_residue_map

    set_threads(threads)
    maps = []
    for replicate, (initial_path, trained_path) in enumerate(zip(ig_initial_paths, ig_trained_paths), start=1):
        initial, trained, tokens = read_ig(initial_path), read_ig(trained_path), read_ig_tokens(trained_path)
        for length in trained:
            for mode, readout in trained[length]:
                maps.append(residue_map(trained[length][(mode, readout)], initial[length][(mode, readout)],
                                        tokens[length], imgt).assign(mode=mode, readout=readout,
                                                                     replicate=replicate))
    long = pd.concat(maps, ignore_index=True)
    per_replicate = summarise_residue_map(long, ["mode", "readout", "replicate"])
    keys = ["mode", "readout", "column", "residue"]
    residues = (per_replicate.groupby(keys, sort=False)
                .agg(ig_trained=("ig_trained", "mean"), ig_initial=("ig_initial", "mean"),
                     difference=("difference", "mean"), difference_sd=("difference", "std"), n=("n", "first"))
                .reset_index())
    sequences = attributed_sequences(read_table(sequences_path)["sequence"].tolist(), max_sequences, seed)
    scans = []
    for replicate, path in enumerate(model_paths, start=1):
        lstm = load_model(path, expected=expectation(model, set_name))
        scans.append(mutational_scan(lstm, sequences, imgt).assign(replicate=replicate))
    scan = (pd.concat(scans, ignore_index=True).groupby(["column", "residue"], sort=False)
            .agg(delta_ll=("delta_ll", "mean"), delta_ll_sd=("delta_ll", "std"), n=("n", "first")).reset_index())
    rows = []
    if negatives_residues is not None:
        truth = read_table(negatives_residues, dtype={"column": str})
        rows.append({"view": "mutational_scan", "mode": "", "readout": "", **cell_agreement(scan, "delta_ll", truth)})
        for (mode, readout), part in residues.groupby(["mode", "readout"], sort=False):
            rows.append({"view": "ig_difference", "mode": mode, "readout": readout,
                         **cell_agreement(part, "difference", truth)})
        for row in rows:
            log.info("%s %s/%s vs binder/non-binder log-odds: Spearman rho %.3f over %d cells", row["view"],
                     row["mode"], row["readout"], row["spearman_rho"], row["n_cells"])
    agreement = pd.DataFrame(rows, columns=["view", "mode", "readout", "spearman_rho", "spearman_p", "n_cells"])
    write_table(residues.round(6), residue_map_path)
    write_table(scan.round(6), scan_path)
    write_table(agreement.round(6), agreement_path)
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
    bootstrap profiles over the attributed sequences (`replicates.bootstrap_profiles`,
    seeded by (seed, replicate)). Every profile row carries the replicate's convergence
    (`convergence`), read from its history. `imgt` (a CDR3 set, e.g. from an AIRR file):
    each position also gets its IMGT CDR3 number (`imgt_position`, `generative.imgt`).

    The metrics in `metric.NULL_METRICS` read the null model's IG (`ig_null_path`, an `ig`
    file of the replicate's null model; `null_history_path` adds its excess over the
    shuffled set's floor, `null_excess_nll`); those in `metric.INFORMATION_METRICS` read
    the trained model itself (`trained_model_path`, checked against `model` and
    `set_name`) on the attributed token rows, against `background`
    (`information_background`; None: uniform), named in the column `information_background`
    of those metrics' rows (no `matrix` for `information`: it has none; it reads no IG, so
    its profile is one set of rows, "-" for the mode, readout and reduction). `scorings`
    ("mode/readout/metric/reduction" strings): only these GAMA scorings, and every
    baseline among `metrics`, are written (None: every one computed)."""
    from seqattr.gama.metric import INFORMATION_METRICS, NULL_METRICS

    set_threads(threads)
    ig_initial, ig_trained = read_ig(ig_initial_path), read_ig(ig_trained_path)
    check_same_layout(ig_initial, ig_trained, ig_initial_path, ig_trained_path)
    if len(ig_trained) > 1 and not imgt:
        raise ValueError("sequences of several lengths are compared on IMGT CDR3 positions only (a CDR3 set)")
    ig_null = None
    if set(metrics) & set(NULL_METRICS):
        if ig_null_path is None:
            raise ValueError(f"metrics {sorted(set(metrics) & set(NULL_METRICS))} need the null model's IG")
        ig_null = read_ig(ig_null_path)
        check_same_layout(ig_null, ig_trained, ig_null_path, ig_trained_path)
    information, information_terms, background_name = {}, {}, None
    if set(metrics) & set(INFORMATION_METRICS):
        if trained_model_path is None or model is None:
            raise ValueError(f"metrics {sorted(set(metrics) & set(INFORMATION_METRICS))} need the trained model")
        background_name, table = information_background(background, imgt)
        information, information_terms = stratum_information(trained_model_path, read_ig_tokens(ig_trained_path),
                                                             model=model, set_name=set_name, imgt=imgt, table=table)
        log.info("replicate %d: information against the %s background", replicate, background_name)
    counts = {length: next(iter(tensors.values())).shape[0] for length, tensors in ig_trained.items()}
    n_attributed = sum(counts.values())
    profiles, matrices = {}, {}
    for length in ig_trained:
        rows, matrices[length] = [], {}
        for (mode, readout, metric, reduction), matrix, profile in scoring_profiles(
                ig_trained[length], ig_initial[length], metrics, reductions,
                ig_null=ig_null[length] if ig_null is not None else None, information=information.get(length)):
            if reduction == reductions[0] and matrix is not None:
                matrices[length][(mode, readout, metric)] = matrix
            rows.append(pd.DataFrame({"mode": mode, "readout": readout, "metric": metric, "reduction": reduction,
                                      "position": range(1, len(profile) + 1), "importance": profile.numpy()}))
        profiles[length] = pd.concat(rows, ignore_index=True)
    profile = selected(_stratified_profile(profiles, counts, SCORING, imgt), scorings)
    profile["kind"] = profile["metric"].map(metric_kind)
    profile["rank"] = (profile.groupby(SCORING, sort=False)["importance"]
                       .rank(ascending=False, method="first", na_option="bottom").astype(int))
    for key, part in profile.groupby(SCORING, sort=False):
        log.info("%s: top positions %s", "/".join(key), part.sort_values("rank")
                 [("imgt_position" if imgt else "position")].head(4).tolist())
    tables = []
    kept = set(map(tuple, profile[["mode", "readout", "metric"]].drop_duplicates().to_numpy()))
    for key in [key for key in matrices[next(iter(matrices))] if key in kept]:
        per_length = {length: matrices[length][key] for length in matrices}
        matrix = (next(iter(per_length.values())) if len(per_length) == 1
                  else combine_matrices(per_length, counts)[0])
        tables.append(matrix_table(matrix, key[0]).assign(readout=key[1], metric=key[2]))
    matrix_columns = ["mode", "readout", "metric", "output_pos", "input_pos", "score"]
    matrix = pd.concat(tables)[matrix_columns] if tables else pd.DataFrame(columns=matrix_columns)  # information alone
    write_table(matrix.round({"score": 6}), matrix_path)
    columns = SCORING + ["kind", "position"] + (["imgt_position"] if imgt else []) + ["importance", "rank"]
    profile = profile[columns + (["n_sequences"] if imgt else [])].round({"importance": 6})
    if background_name is not None:  # which background the information baseline is measured against
        profile.insert(profile.columns.get_loc("kind") + 1, "information_background",
                       profile["metric"].map(lambda m: background_name if m in INFORMATION_METRICS else ""))
    profile = profile.assign(replicate=replicate, n_attributed=n_attributed)
    if history_path is not None:
        state = convergence(read_table(history_path), training or {})
        profile = profile.assign(**{k: state[k] for k in CONVERGENCE_COLUMNS}).round(
            {"train_nll": 6, "val_nll": 6, "excess_nll": 6, "nll_gap": 6})
        log.info("replicate %d: kept epoch %d of %d, train NLL %.4f, held-out NLL %.4f (gap %.4f); %s criterion %s",
                 replicate, state["epoch"], state["epochs"], state["train_nll"], state["val_nll"], state["nll_gap"],
                 state["criterion"], "met" if state["converged"] else "NOT met")
    if null_history_path is not None:
        null_state = convergence(read_table(null_history_path), training or {})
        profile = profile.assign(null_excess_nll=round(null_state["excess_nll"], 6))
    write_table(profile, profile_path)
    if bootstrap_path is not None:
        started = time.perf_counter()
        several = len(ig_trained) > 1
        draws = {length: bootstrap_profiles(ig_trained[length], ig_initial[length], metrics, reductions, bootstrap,
                                            [seed, replicate] + ([length] if several else []),
                                            ig_null=ig_null[length] if ig_null is not None else None,
                                            information=information_terms.get(length))
                 for length in ig_trained}
        if several and bootstrap > 0:
            draws = _stratified_profile(draws, counts, SCORING + ["draw"], imgt)[SCORING + ["draw", "position",
                                                                                           "importance"]]
        else:
            draws = next(iter(draws.values()))
        draws = selected(draws, scorings)
        write_table(draws.assign(replicate=replicate).round({"importance": 6}), bootstrap_path)
        log.info("replicate %d: %d bootstrap draws over %d sequences: %.1f s", replicate, bootstrap, n_attributed,
                 time.perf_counter() - started)


SCORING = ["mode", "readout", "metric", "reduction"]


def selected(frame: pd.DataFrame, scorings=None) -> pd.DataFrame:
    """The rows of the listed scorings ("mode/readout/metric/reduction") and of every
    baseline; all rows when `scorings` is None or empty."""
    if not scorings or frame.empty:
        return frame
    labels = frame[SCORING].astype(str).agg("/".join, axis=1)
    keep = labels.isin(set(scorings)) | frame["metric"].map(metric_kind).eq("baseline")
    return frame[keep].reset_index(drop=True)


def _stratified_profile(profiles: dict, counts: dict, keys: list[str], imgt: bool) -> pd.DataFrame:
    """One length stratum's profile as it is (with its IMGT numbers and count when `imgt`),
    or several strata combined on IMGT positions (`strata.combine_profiles`)."""
    if len(profiles) > 1:
        return combine_profiles(profiles, counts, keys)
    ((length, frame),) = profiles.items()
    frame = frame.copy()
    if imgt:
        frame["imgt_position"] = imgt_column(frame["position"], length)
        frame["n_sequences"] = counts[length]
    return frame


def check_finite_importances(profile: pd.DataFrame, path, set_name: str) -> None:
    """InputError for an importance that is NaN or infinite: it would be ranked (last, or
    first) and counted in the top-4 stability as if it were a measurement."""
    import numpy as np

    bad = profile[~np.isfinite(pd.to_numeric(profile["importance"], errors="coerce"))]
    if "reduction" in bad:
        # The output role of the first position is undefined by construction (it is predicted
        # from START alone; `metric._output_role`): NaN there is not a degenerate set.
        bad = bad[~((bad["reduction"] == "output") & (bad["position"] == 1))]
    if len(bad):
        row = bad.iloc[0]
        scoring = ", ".join(f"{key} {row[key]}" for key in SCORING if key in row)
        raise InputError(f"{path}: set {set_name or '?'}: the importance of position {row['position']} ({scoring}) "
                         f"is {row['importance']} ({len(bad)} rows not finite); a set this small or this uniform "
                         f"cannot be scored, give more (and more varied) sequences")


def summarise(profile_paths, bootstrap_paths, matrix_paths, profile_path, matrix_path, *, level: float = 0.95,
              set_name: str = "") -> None:
    """The set's profile and matrix over its replicates: per scoring and position the mean
    importance, sd over replicates, bootstrap interval and top-4 stability
    (`replicates.summarise_replicates`), with the replicates' convergence beside every row
    (`replicates.convergence_summary`); the matrix is the mean (and sd) over replicates."""
    # IMGT positions are labels, not numbers: read as floats, 111.10 would become 111.1
    tables = [read_table(path, dtype={"imgt_position": str}) for path in profile_paths]
    for path, table in zip(profile_paths, tables):
        check_finite_importances(table, path, set_name)
    profiles = pd.concat(tables, ignore_index=True)
    boots = [read_table(path) for path in bootstrap_paths]
    summary = summarise_replicates(profiles, pd.concat(boots, ignore_index=True) if boots else pd.DataFrame(),
                                   level)
    # what each scoring is (`metric.metric_kind`): gama, gama+baseline or baseline
    summary.insert(summary.columns.get_loc("reduction") + 1, "kind", summary["metric"].map(metric_kind))
    if "imgt_position" in profiles:  # a CDR3 set: each position's IMGT number and how many sequences it has
        numbers = dict(zip(profiles["position"], profiles["imgt_position"]))
        summary.insert(summary.columns.get_loc("position") + 1, "imgt_position", summary["position"].map(numbers))
        contributing = profiles.groupby("position")["n_sequences"].first()
        summary["n_sequences"] = summary["position"].map(contributing)
    if "information_background" in profiles:  # the information baseline's background, per metric
        background = profiles.groupby("metric")["information_background"].first().fillna("")
        summary.insert(summary.columns.get_loc("kind") + 1, "information_background",
                       summary["metric"].map(background).fillna(""))
    states = profiles.drop_duplicates("replicate")
    if "criterion" in profiles:
        state = convergence_summary(states[[c for c in CONVERGENCE_COLUMNS if c in states]].to_dict("records"))
        summary = summary.assign(**state)
        log.info("%s: %s criterion met by %s replicates; mean train NLL %.4f, held-out NLL %.4f (gap %s)", set_name,
                 state["criterion"], state["converged_replicates"], state["train_nll"], state["val_nll"],
                 f"{state['nll_gap']:.4f}" if "nll_gap" in state else "not recorded")
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


def sequence_residues(ig_initial_paths, ig_trained_paths, sequences_path, output, *, set_name: str,
                      imgt: bool = False, max_sequences: int | None = None, seed: int = 0) -> None:
    """GAMA's per-residue IG of every attributed sequence and replicate as one long table
    (`gama.sequence_residues`), `sequence_id` the set's `id`."""
    from seqattr.gama.sequence_residues import sequence_residue_table

    table = read_table(sequences_path, dtype={"id": str})
    ids = attributed_sequences(table["id"].tolist(), max_sequences, seed)
    sequences = attributed_sequences(table["sequence"].tolist(), max_sequences, seed)
    frames = [sequence_residue_table(set_name, ids, sequences, read_ig(trained_path), read_ig(initial_path),
                                     read_ig_tokens(trained_path), imgt=imgt, replicate=replicate)
              for replicate, (initial_path, trained_path) in enumerate(zip(ig_initial_paths, ig_trained_paths), 1)]
    write_table(pd.concat(frames, ignore_index=True).round({"ig_trained": 6, "ig_initial": 6, "difference": 6}),
                output)
