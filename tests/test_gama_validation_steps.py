"""GAMA validation steps on hand-made GAMA outputs: tables and figures are written."""

import numpy as np
import pandas as pd
import pytest

from seqattr.gama_validation.grid import GRID_COLUMNS, TIMING_COLUMNS, format_grid, grid_frame, timing_frame
from seqattr.gama_validation.steps import grid_summary, ground_truth, mode_agreement_table
from seqattr.io import read_table, write_table


def _row(experiment, logic, positions, snr, mode, fnr):
    return {"experiment": experiment, "protocol": "clean", "logic": logic, "positions": ",".join(map(str, positions)),
            "motif_size": len(positions), "signal_to_noise": snr, "seed": 0, "mode": mode, "readout": "mean_logit",
            "metric": "gama", "reduction": "input", "entropy_floor": 2.9, "excess_nll": 0.005, "converged": True,
            "fnr_rank": fnr, "fnr_threshold": fnr, "fpr_threshold": 0.0, "threshold_z": 3.5,
            "top_positions": ",".join(map(str, positions)), "train_nll": 2.9, "val_nll": 2.95, "epochs": 3,
            "n_sequences": 100, "n_attributed": 10, "train_seconds": 1.0, "gama_seconds": 2.0, "seconds": 3.5}


def test_grid_summary_concatenates_experiments_and_draws_the_figure(tmp_path):
    inputs, timing_inputs = [], []
    for logic in ("AND", "XOR"):
        for positions in ([2, 4], [2, 3, 4]):
            for snr in (1.0, 0.5):
                eid = f"{logic}_p{'-'.join(map(str, positions))}_snr{snr:.1f}_s0"
                rows = [_row(eid, logic, positions, snr, mode, 0.5 if snr < 1 else 0.0) for mode in ("exact", "authors_code")]
                path = tmp_path / f"{eid}.tsv"
                write_table(format_grid(grid_frame(rows)), path)
                write_table(timing_frame(rows), tmp_path / f"{eid}.timing.tsv")
                inputs.append(path)
                timing_inputs.append(tmp_path / f"{eid}.timing.tsv")
    table, timing, png, pdf = (tmp_path / "grid.tsv", tmp_path / "grid.timing.tsv", tmp_path / "fnr.png",
                               tmp_path / "fnr.pdf")
    grid_summary(inputs, timing_inputs, table, timing, png, pdf)
    result = read_table(table, dtype={"positions": str})
    assert list(result.columns) == GRID_COLUMNS and not {"seconds", "train_seconds"} & set(result.columns)
    timings = read_table(timing)
    assert list(timings.columns) == TIMING_COLUMNS and len(timings) == 8  # one row per experiment
    assert timings["seconds"].tolist() == [3.5] * 8
    assert len(result) == 16 and set(result["mode"]) == {"exact", "authors_code"}
    assert result["positions"].iloc[0] == "2,4"
    assert png.stat().st_size > 10_000 and pdf.stat().st_size > 1_000
    # Same inputs, same table bytes.
    first = table.read_bytes()
    grid_summary(inputs, timing_inputs, table, timing, png, pdf)
    assert table.read_bytes() == first


def test_fnr_heatmap_has_one_cell_per_scoring_logic_and_snr_best_scoring_first():
    from seqattr.gama_validation.figures import MAX_LINE_SCORINGS, fnr_figure

    rows = []
    metrics = ["gama", "effect_size", "spread", "null_spread", "information"]
    for logic in ("AND", "XOR"):
        for snr in (1.0, 0.5, 0.2):
            eid = f"{logic}_p2-4_snr{snr:.1f}_s0"
            for i, metric in enumerate(metrics):
                for mode in ("exact", "authors_code"):
                    row = _row(eid, logic, [2, 4], snr, mode, fnr=0.5 if metric == "gama" else i / 10)
                    row.update(metric=metric, ig_start="zero", null_excess_nll=0.02 if logic == "XOR" else 0.005,
                               null_converged="" if metric != "null_spread" else logic != "XOR")
                    rows.append(row)
    frame = grid_frame(rows)
    assert 2 * len(metrics) > MAX_LINE_SCORINGS
    figure = fnr_figure(frame)
    ax = figure.axes[0]
    labels = [label.get_text() for label in ax.get_yticklabels()]
    # the information baseline is one row whatever the IG settings, apart below the GAMA
    # scorings although its FNR (0.4) is lower than the paper's (0.5)
    assert len(labels) == 9 and labels[0].endswith("/effect_size/input")  # FNR 0.1, the lowest
    assert labels[-1] == "baseline: information"
    assert set(labels[-3:-1]) == {"exact/mean_logit/zero/gama/input", "authors_code/mean_logit/zero/gama/input"}
    assert 7.5 in [line.get_ydata()[0] for line in ax.lines]  # the line between the kinds
    image = ax.images[0].get_array()
    assert image.shape == (9, 6)  # 2 logics x 3 SNR
    assert np.allclose(image[labels.index("exact/mean_logit/zero/gama/input")], 50)
    texts = [t.get_text() for t in ax.texts]
    # null_spread on XOR: the null models did not converge, so its cells are starred
    assert texts.count("30*") == 2 * 3 and "40" in texts


def test_fnr_heatmap_shows_the_chosen_scorings_first_above_a_line():
    from seqattr.gama_validation.figures import fnr_figure

    rows = []
    for snr in (1.0, 0.5):
        for i, metric in enumerate(["gama", "effect_size", "spread", "null_spread"]):
            for mode in ("exact", "authors_code"):
                row = _row(f"AND_p2-4_snr{snr:.1f}_s0", "AND", [2, 4], snr, mode, fnr=0.9 - i / 10)
                row.update(metric=metric, ig_start="zero", null_converged="")
                rows.append(row)
    chosen = ["authors_code/mean_logit/zero/gama/input", "exact/mean_logit/zero/gama/input", "exact/x/zero/gama/input"]
    ax = fnr_figure(grid_frame(rows), chosen).axes[0]
    labels = [label.get_text() for label in ax.get_yticklabels()]
    # the worst two (FNR 0.9) lead because they were chosen; one not in the frame is skipped
    assert labels[:2] == chosen[:2] and len(labels) == 8
    assert 1.5 in [line.get_ydata()[0] for line in ax.lines]


def _profile(length, modes=("exact", "authors_code")):
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
    ground_truth(profile, absolut, table, png, pdf, set_name="toy")
    result = read_table(table)
    exact = result[result["mode"] == "exact"]
    assert exact["mean_energy"].tolist() == pytest.approx([-1.0, -5.0, -1 / 6, -2 / 3], abs=1e-6)
    assert exact["spearman_rho"].iloc[0] == pytest.approx(1.0)
    assert set(result["mode"]) == {"exact", "authors_code"}
    assert png.stat().st_size > 10_000 and pdf.stat().st_size > 1_000


def test_mode_agreement_step_compares_the_modes(tmp_path):
    profile = tmp_path / "profile.tsv"
    importance = [0.1, 0.9, 0.2, 0.8, 0.3, 0.7]
    frame = pd.concat([
        pd.DataFrame({"mode": "exact", "position": range(1, 7), "importance": importance, "rank": 0}),
        pd.DataFrame({"mode": "authors_code", "position": range(1, 7), "importance": importance[::-1], "rank": 0}),
    ])
    write_table(frame, profile)
    output = tmp_path / "agreement.tsv"
    mode_agreement_table(profile, output)
    table = read_table(output, dtype=str)
    assert table[["mode_a", "mode_b"]].values.tolist() == [["exact", "authors_code"]]
    assert table["top4_a"].iloc[0] == "2,4,6,5" and table["top4_b"].iloc[0] == "5,3,1,2"
    assert table["shared_top4"].iloc[0] == "2"
    assert float(table["spearman_rho"].iloc[0]) < 0
