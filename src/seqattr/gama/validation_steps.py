"""File-level steps of the GAMA validation rules (what each Snakemake script calls)."""

from __future__ import annotations

import logging

from seqattr.gama.benchmark import (Experiment, aggregate_benchmark, benchmark_frame, format_benchmark,
                                    run_benchmark_experiment)
from seqattr.gama.validation import (DEFAULT_THRESHOLD_Z, ground_truth_table, per_position_energy,
                                     read_absolut_contributions)
from seqattr.gama import validation_figures as figures
from seqattr.io import read_table, write_table

log = logging.getLogger(__name__)


def benchmark_experiment_step(experiment: dict, train: dict, gama: dict, output, *,
                              n_attributed: int | None = None, threshold_z: float = DEFAULT_THRESHOLD_Z) -> None:
    spec = Experiment(logic=experiment["logic"], positions=tuple(experiment["positions"]),
                      signal_to_noise=float(experiment["signal_to_noise"]), seed=int(experiment["seed"]),
                      length=int(experiment["length"]), n_sequences=int(experiment["n_sequences"]))
    rows = run_benchmark_experiment(spec, train, gama, n_attributed=n_attributed, threshold_z=threshold_z)
    write_table(format_benchmark(benchmark_frame(rows)), output)


def benchmark_summary_step(inputs, table, png, pdf) -> None:
    frame = aggregate_benchmark(inputs)
    log.info("%d experiments, %d rows", frame["experiment"].nunique(), len(frame))
    write_table(format_benchmark(frame), table)
    figures.fnr_figure(frame, png, pdf)


def ground_truth_step(profile, absolut_table, set_name: str, table, png, pdf) -> None:
    contributions = read_absolut_contributions(absolut_table)
    energy = per_position_energy(contributions, contributions.attrs["n_records"], contributions.attrs["slice_length"])
    result = ground_truth_table(read_table(profile), energy)
    for mode, part in result.groupby("mode", sort=False):
        log.info("%s [%s]: Spearman rho %.3f, p %.3g over %d positions", set_name, mode,
                 part["spearman_rho"].iloc[0], part["spearman_p"].iloc[0], len(part))
    write_table(result, table)
    figures.ground_truth_figure(result, set_name, png, pdf)


def compare_modes_step(profile, matrix, sequences, set_name: str, outputs: dict) -> None:
    """Profile and matrix of every mode side by side, and the set's logo."""
    figures.mode_profiles_figure(read_table(profile), set_name, outputs["profile_png"], outputs["profile_pdf"])
    figures.mode_heatmaps_figure(read_table(matrix), set_name, outputs["heatmap_png"], outputs["heatmap_pdf"])
    figures.logo_figure(read_table(sequences)["sequence"].tolist(), set_name, outputs["logo_png"], outputs["logo_pdf"])
