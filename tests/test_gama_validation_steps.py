"""GAMA validation steps on hand-made GAMA outputs: tables and figures are written."""

import numpy as np
import pandas as pd
import pytest

from seqattr.gama.benchmark import BENCHMARK_COLUMNS, benchmark_frame, format_benchmark
from seqattr.gama.validation_steps import benchmark_summary_step, compare_modes_step, ground_truth_step
from seqattr.io import read_table, write_table


def _row(experiment, logic, positions, snr, mode, fnr):
    return {"experiment": experiment, "logic": logic, "positions": ",".join(map(str, positions)),
            "motif_size": len(positions), "signal_to_noise": snr, "seed": 0, "mode": mode,
            "fnr_rank": fnr, "fnr_threshold": fnr, "fpr_threshold": 0.0, "threshold_z": 3.5,
            "top_positions": ",".join(map(str, positions)), "train_nll": 2.9, "val_nll": 2.95, "epochs": 3,
            "n_sequences": 100, "n_attributed": 10, "train_seconds": 1.0, "gama_seconds": 2.0, "seconds": 3.5}


def test_benchmark_summary_concatenates_experiments_and_draws_the_figure(tmp_path):
    inputs = []
    for logic in ("AND", "XOR"):
        for positions in ([2, 4], [2, 3, 4]):
            for snr in (1.0, 0.5):
                eid = f"{logic}_p{'-'.join(map(str, positions))}_snr{snr:.1f}_s0"
                rows = [_row(eid, logic, positions, snr, mode, 0.5 if snr < 1 else 0.0) for mode in ("exact", "published")]
                path = tmp_path / f"{eid}.tsv"
                write_table(format_benchmark(benchmark_frame(rows)), path)
                inputs.append(path)
    table, png, pdf = tmp_path / "benchmark.tsv", tmp_path / "fnr.png", tmp_path / "fnr.pdf"
    benchmark_summary_step(inputs, table, png, pdf)
    result = read_table(table, dtype={"positions": str})
    assert list(result.columns) == BENCHMARK_COLUMNS
    assert len(result) == 16 and set(result["mode"]) == {"exact", "published"}
    assert result["positions"].iloc[0] == "2,4"
    assert png.stat().st_size > 10_000 and pdf.stat().st_size > 1_000
    # Same inputs, same table bytes.
    first = table.read_bytes()
    benchmark_summary_step(inputs, table, png, pdf)
    assert table.read_bytes() == first


def _profile(length, modes=("exact", "published")):
    rng = np.random.default_rng(0)
    frames = []
    for mode in modes:
        importance = rng.random(length)
        frames.append(pd.DataFrame({"mode": mode, "position": range(1, length + 1), "importance": importance,
                                    "rank": pd.Series(importance).rank(ascending=False, method="first").astype(int)}))
    return pd.concat(frames, ignore_index=True)


def test_ground_truth_step_writes_table_and_scatter(tmp_path):
    absolut = tmp_path / "binders.tsv"
    pd.DataFrame({"Slide": ["ACDE", "ACDF", "GCDE"],
                  "contribPerAAparaBind": ["Aa:1_-1.0,Cb:2_-5.0,Dc:1_-0.5,", "Aa:1_-1.5,Cb:3_-6.0,Fd:1_-2.0,",
                                           "Ga:1_-0.5,Cb:2_-4.0,"]}).to_csv(absolut, sep="\t", index=False)
    profile = tmp_path / "profile.tsv"
    frame = _profile(4)
    frame.loc[frame["mode"] == "exact", "importance"] = [0.3, 0.9, 0.1, 0.2]  # same order as |energy|
    write_table(frame, profile)
    table, png, pdf = tmp_path / "ground_truth.tsv", tmp_path / "gt.png", tmp_path / "gt.pdf"
    ground_truth_step(profile, absolut, "toy", table, png, pdf)
    result = read_table(table)
    exact = result[result["mode"] == "exact"]
    assert exact["mean_energy"].tolist() == pytest.approx([-1.0, -5.0, -1 / 6, -2 / 3])
    assert exact["spearman_rho"].iloc[0] == pytest.approx(1.0)
    assert set(result["mode"]) == {"exact", "published"}
    assert png.stat().st_size > 10_000


def test_compare_modes_step_draws_profile_heatmap_and_logo(tmp_path):
    length = 6
    profile, matrix, sequences = tmp_path / "profile.tsv", tmp_path / "matrix.tsv", tmp_path / "sequences.tsv.gz"
    write_table(_profile(length), profile)
    tokens = length + 2
    rows = []
    for mode in ("exact", "published"):
        for j in range(tokens):
            for p in range(tokens):
                rows.append((mode, j, p, np.nan if p > j or j == 0 else float(j + p)))
    write_table(pd.DataFrame(rows, columns=["mode", "output_pos", "input_pos", "score"]), matrix)
    write_table(pd.DataFrame({"id": ["a", "b", "c"], "sequence": ["ACDEFG", "ACDEFH", "WCDEFG"]}), sequences)
    outputs = {f"{name}_{ext}": tmp_path / f"{name}.{ext}" for name in ("profile", "heatmap", "logo") for ext in ("png", "pdf")}
    compare_modes_step(profile, matrix, sequences, "toy", outputs)
    for path in outputs.values():
        assert path.stat().st_size > 1_000, path
