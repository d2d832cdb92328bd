"""File-level steps of the GAMA validation rules (what each Snakemake script calls)."""

from __future__ import annotations

import logging

from seqattr.gama import validation_figures as figures
from seqattr.gama.benchmark import (Experiment, aggregate_benchmark, benchmark_frame, format_benchmark,
                                    run_benchmark_experiment)
from seqattr.gama.validation import (DEFAULT_THRESHOLD_Z, ground_truth_table, mode_agreement,
                                     per_position_energy, read_absolut_contributions)
from seqattr.io import read_table, write_table

log = logging.getLogger(__name__)


def benchmark_experiment_step(experiment: dict, train: dict, gama: dict, output, *,
                              n_attributed: int | None = None, threshold_z: float = DEFAULT_THRESHOLD_Z) -> None:
    spec = Experiment(logic=experiment["logic"], positions=tuple(experiment["positions"]),
                      signal_to_noise=float(experiment["signal_to_noise"]), seed=int(experiment["seed"]),
                      length=int(experiment["length"]), n_sequences=int(experiment["n_sequences"]))
    rows = run_benchmark_experiment(spec, train, gama, n_attributed=n_attributed, threshold_z=threshold_z)
    write_table(format_benchmark(benchmark_frame(rows)), output)


def benchmark_summary_step(inputs, table, png) -> None:
    frame = aggregate_benchmark(inputs)
    log.info("%d experiments, %d rows", frame["experiment"].nunique(), len(frame))
    write_table(format_benchmark(frame), table)
    figures.fnr_figure(frame, png)


def ground_truth_step(profile, absolut_table, set_name: str, table, png) -> None:
    contributions = read_absolut_contributions(absolut_table)
    energy = per_position_energy(contributions, contributions.attrs["n_records"], contributions.attrs["slice_length"])
    result = ground_truth_table(read_table(profile), energy)
    for mode, part in result.groupby("mode", sort=False):
        log.info("%s [%s]: Spearman rho %.3f, p %.3g over %d positions", set_name, mode,
                 part["spearman_rho"].iloc[0], part["spearman_p"].iloc[0], len(part))
    write_table(result.round(6), table)
    figures.ground_truth_figure(result, set_name, png)


def mode_agreement_step(profile, output) -> None:
    table = mode_agreement(read_table(profile))
    for row in table.itertuples():
        log.info("%s vs %s: Spearman rho %.3f, top 4 %s vs %s", row.mode_a, row.mode_b, row.spearman_rho,
                 row.top4_a, row.top4_b)
    write_table(table.round(6), output)
