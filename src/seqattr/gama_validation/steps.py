"""The GAMA validation stage's steps, one per rule: the synthetic grid's experiments and
summary, the Absolut! ground truth, and the two GAMA modes against each other."""

from __future__ import annotations

import logging

import pandas as pd

from seqattr.figures import save_figure
from seqattr.gama_validation import figures
from seqattr.gama_validation.detection import DEFAULT_THRESHOLD_Z
from seqattr.gama_validation.dependency import (DEPENDENCY_COLUMNS, dependency_edges, dependency_rows,
                                                dependency_summary, run_dependency_experiment)
from seqattr.gama_validation.experiments import DependencyExperiment, expand_grid
from seqattr.gama.options import IGOptions
from seqattr.gama.vocabulary import metric_kind
from seqattr.gama_validation.negatives import compare, truth_tables
from seqattr.gama_validation.grid import (TIMING_COLUMNS, format_grid, grid_frame, grid_rows, run_experiment,
                                         stack_grid, timing_frame)
from seqattr.gama_validation.ground_truth import (PERMUTATION_DRAWS, SCORING, ground_truth_table, mode_agreement,
                                                  per_position_energy, replicate_rhos)
from seqattr.generative.absolut import read_absolut_contributions
from seqattr.generative.engine import training_settings
from seqattr.io import read_table, write_table
from seqattr.runtime import set_threads

log = logging.getLogger(__name__)


def grid_experiment(output, timing_output, *, experiment: str, grid: dict, generative: dict, gama: dict,
                    threads: int = 1, edges_output=None) -> None:
    """One experiment of a validation grid (by its id) from the config's `gama_grid`,
    `generative` and `gama` sections (the IG options: `gama`'s, with the grid's modes and
    readouts, its n_attributed and the experiment's seed): generate, train, attribute,
    score. Its wall-clock seconds go to `timing_output`; a dependency experiment's ranked
    edges to `edges_output`."""
    set_threads(threads)
    spec = expand_grid(grid)[experiment]
    options = IGOptions.from_config(gama, modes=grid["modes"], readouts=grid["readouts"], seed=spec.seed,
                                    max_sequences=grid["n_attributed"] or gama["max_sequences"])
    threshold_z = grid.get("threshold_z", DEFAULT_THRESHOLD_Z)
    if isinstance(spec, DependencyExperiment):
        result = run_dependency_experiment(
            spec, {**grid["schedule"], "tolerance": grid["tolerance"]}, options, ig_starts=grid["ig_starts"],
            metrics=grid["metrics"], reductions=grid["reductions"], scorings=grid.get("scorings"),
            model_free=grid.get("model_free", ["logo"]), null_draws=grid.get("null_draws", 50))
        rows = dependency_rows(result, threshold_z)
        write_table(format_dependency(pd.DataFrame(rows).reindex(columns=DEPENDENCY_COLUMNS)), output)
        write_table(dependency_edges(result).round(6), edges_output)
        timing = {"train_seconds": result.train_seconds, "gama_seconds": result.gama_seconds,
                  "seconds": result.seconds}
        write_table(timing_frame([{"experiment": spec.id, **timing}]), timing_output)
        return
    train = training_settings(generative["model"], generative["training"], grid["train"])
    result = run_experiment(spec, {**train, "tolerance": grid["tolerance"]}, options, protocol=grid["protocol"],
                            ig_starts=grid["ig_starts"], metrics=grid["metrics"], reductions=grid["reductions"],
                            scorings=grid.get("scorings"), model_free=grid.get("model_free", ["logo"]))
    rows = grid_rows(result, threshold_z)
    write_table(format_grid(grid_frame(rows)), output)
    write_table(timing_frame(rows), timing_output)


def format_dependency(frame: pd.DataFrame) -> pd.DataFrame:
    """Fixed float formatting so equal results give equal bytes."""
    out = frame.copy()
    for column in ("edge_auprc", "position_auroc", "fnr_rank", "fnr_threshold", "fpr_threshold", "learned_fraction",
                   "train_nll", "test_nll", "entropy_floor", "uniform_nll", "excess_nll", "null_excess_nll"):
        out[column] = out[column].map(lambda v: f"{float(v):.6f}")
    out["signal_to_noise"] = out["signal_to_noise"].map(lambda v: f"{v:.1f}")
    return out


def read_grid_table(path):
    return read_table(path, dtype={"positions": str, "top_positions": str})


def grid_summary(inputs, timing_inputs, table, timing_table, png, pdf, summary_table=None, scorings=()) -> None:
    """The grid's table and figure from the experiments' tables (the paper's grid: FNR;
    the dependency benchmark: edge AUPRC and position AUROC, with `summary_table`); their
    timings stacked apart. `scorings`: the configured ones, shown first."""
    frames = [read_grid_table(path) for path in inputs]
    if frames and "set_kind" in frames[0].columns:
        frame = pd.concat(frames, ignore_index=True).reindex(columns=DEPENDENCY_COLUMNS)
        log.info("%d dependency experiments, %d rows", frame["experiment"].nunique(), len(frame))
        write_table(frame, table)
        write_table(dependency_summary(frame).round(6), summary_table)
        write_table(stack_grid([read_table(path) for path in timing_inputs], TIMING_COLUMNS), timing_table)
        chosen = list(scorings or ()) or list(figures.PAPER_SCORINGS + figures.PREREGISTERED_SCORINGS)
        save_figure(figures.dependency_figure(frame, chosen=chosen), png, pdf)
        return
    frame = stack_grid(frames)
    frame["kind"] = frame["metric"].map(metric_kind)  # tables written before the kind column
    log.info("%d experiments, %d rows", frame["experiment"].nunique(), len(frame))
    write_table(format_grid(frame), table)
    write_table(stack_grid([read_table(path) for path in timing_inputs], TIMING_COLUMNS), timing_table)
    save_figure(figures.fnr_figure(frame, list(scorings or ()) or
                                   list(figures.PAPER_SCORINGS + figures.PREREGISTERED_SCORINGS)), png, pdf)


def ground_truth(profile, absolut_table, table, png, pdf, *, set_name: str, replicate_profiles=(),
                 replicate_table=None, epitope: str | None = None, min_size: int = 1,
                 draws: int = PERMUTATION_DRAWS, seed: int = 0) -> None:
    """The set's profile (the mean over replicates) against the Absolut! energies of the
    same records (the set's epitope filter applied): rho, scipy's p and the permutation p
    per scoring, the replicates' rhos (their own table, `replicate_table`) and the figure."""
    contributions = read_absolut_contributions(absolut_table, epitope=epitope, min_size=min_size)
    energy = per_position_energy(contributions, contributions.attrs["n_records"], contributions.attrs["slice_length"])
    replicates = (pd.concat([read_table(path) for path in replicate_profiles], ignore_index=True)
                  if replicate_profiles else None)
    result = ground_truth_table(read_table(profile), energy, replicates, draws=draws, seed=seed)
    rhos = replicate_rhos(replicates, energy) if replicates is not None else None
    if rhos is not None and "criterion" in replicates.columns:  # each replicate's convergence beside its rho
        states = replicates.drop_duplicates("replicate")[["replicate", "criterion", "converged", "train_nll",
                                                           "val_nll", "excess_nll"]]
        rhos = rhos.merge(states, on="replicate", how="left")
    scoring = [c for c in SCORING if c in result.columns]
    for key, part in result.groupby(scoring, sort=False):
        log.info("%s [%s]: Spearman rho %.3f, p %.3g (scipy), %.3g (permutation, %d draws) over %d positions",
                 set_name, "/".join(map(str, key)), part["spearman_rho"].iloc[0], part["spearman_p"].iloc[0],
                 part["permutation_p"].iloc[0], draws, len(part))
    write_table(result.round(6), table)
    if replicate_table is not None:
        write_table((rhos if rhos is not None else pd.DataFrame()).round(6), replicate_table)
    save_figure(figures.ground_truth_figure(result, set_name, rhos), png, pdf)


CONVERGENCE = ["criterion", "converged", "converged_replicates", "train_nll", "val_nll", "excess_nll"]


def mode_agreement_table(profile, output) -> None:
    """`mode_agreement` of a set's profile, with the models' convergence beside it."""
    profile = read_table(profile)
    table = mode_agreement(profile)
    present = [c for c in CONVERGENCE if c in profile.columns]
    if present and len(table):
        table = table.assign(**profile[present].iloc[0].to_dict())
    for row in table.itertuples():
        log.info("%s vs %s (%s): Spearman rho %.3f, top 4 %s vs %s", row.mode_a, row.mode_b,
                 "/".join(str(getattr(row, c)) for c in ("readout", "metric", "reduction") if hasattr(row, c)),
                 row.spearman_rho, row.top4_a, row.top4_b)
    write_table(table.round(6), output)


def vs_negatives(sequences, negatives, profile, table, truth_table, residue_table, png, pdf, *, set_name: str,
                 replicate_profiles=(), imgt: bool = False, bootstrap: int = 200, draws: int = PERMUTATION_DRAWS,
                 seed: int = 0, cnn: dict | None = None, threads: int = 1) -> None:
    """Every GAMA scoring's profile (mean over replicates) against how the set's binders
    differ from its non-binders (`gama_validation.negatives`): per-column KL with a bootstrap interval,
    the supervised logistic baseline and, with `cnn` (`gama.negatives_cnn`) enabled, the
    CNN + Integrated Gradients baseline with its convergence (`truth_table`), per column x
    residue log-odds and weights (`residue_table`), Spearman rho, permutation p and top-4
    overlap per scoring and truth (`table`), and the figure."""
    binders, non_binders = read_table(sequences)["sequence"], read_table(negatives)["sequence"]
    per_column, per_residue = truth_tables(binders, non_binders, imgt, draws=bootstrap, seed=seed, cnn=cnn,
                                           threads=threads)
    summary = read_table(profile, dtype={"imgt_position": str})
    replicates = (pd.concat([read_table(p, dtype={"imgt_position": str}) for p in replicate_profiles],
                            ignore_index=True) if replicate_profiles else None)
    column = "imgt_position" if imgt else "position"
    scoring = [c for c in SCORING if c in summary.columns]
    result = compare(summary, replicates, per_column, column, scoring, draws=draws, seed=seed)
    result.insert(len(scoring), "kind", result["metric"].map(metric_kind))
    result = result.assign(n_binders=len(binders), n_non_binders=len(non_binders))
    present = [c for c in CONVERGENCE if c in summary.columns]
    if present:
        result = result.assign(**summary[present].iloc[0].to_dict())
    for row in result.itertuples():
        log.info("%s [%s] vs %s: Spearman rho %.3f (replicates %.3f to %.3f), permutation p %.3g", set_name,
                 "/".join(str(getattr(row, c)) for c in scoring), row.truth, row.spearman_rho,
                 row.rho_replicate_min, row.rho_replicate_max, row.permutation_p)
    write_table(result.round(6), table)
    write_table(per_column.round(6), truth_table)
    write_table(per_residue.round(6), residue_table)
    save_figure(figures.negatives_figure(per_column, per_residue, result, set_name), png, pdf)
