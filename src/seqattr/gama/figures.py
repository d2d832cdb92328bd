"""Figures of the GAMA stage: the GAMA matrix as a heatmap and the importance profile."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from seqattr.gama.vocabulary import kind_label, metric_kind  # noqa: E402


def _token_label(index: int, length: int) -> str:
    return "S" if index == 0 else ("E" if index == length + 1 else str(index))


def _labels(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    present = [c for c in columns if c in frame.columns]
    return list(dict.fromkeys(frame[present].itertuples(index=False, name=None))), present


def _select(frame: pd.DataFrame, columns: list[str], values: tuple) -> pd.DataFrame:
    keep = np.ones(len(frame), dtype=bool)
    for column, value in zip(columns, values):
        keep &= (frame[column] == value).to_numpy()
    return frame[keep]


def _grid(n: int, width: float, height: float, columns: int):
    columns = max(1, min(columns, n))
    rows = -(-n // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows), squeeze=False,
                                layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return figure, list(axes.flat)


def gama_heatmap(matrix: pd.DataFrame, name: str):
    """One heatmap panel per mode (and readout and metric, when the table has them) of a
    GAMA matrix table (mode[, readout, metric], output_pos, input_pos, score)."""
    panels, columns = _labels(matrix, ["mode", "readout", "metric"])
    size = int(matrix.output_pos.max()) + 1
    length = size - 2

    figure, axes = _grid(len(panels), 5, 4, 3)
    for ax, values in zip(axes, panels):
        grid = _select(matrix, columns, values).pivot(index="output_pos", columns="input_pos", values="score")
        image = ax.imshow(np.ma.masked_invalid(grid.to_numpy(dtype=float)), cmap="viridis", origin="upper")
        labels = [_token_label(i, length) for i in range(size)]
        ax.set_xticks(range(size), labels, fontsize=6)
        ax.set_yticks(range(size), labels, fontsize=6)
        ax.set_xlabel("input position (S start, E end)")
        ax.set_ylabel("output position (reads up to)")
        ax.set_title(f"GAMA {name}: {'/'.join(map(str, values))}", fontsize=9)
        figure.colorbar(image, ax=ax, shrink=0.8, label="score")
    return figure


def gama_profile(profile: pd.DataFrame, name: str, truth: set[int] = frozenset(), replicates=None):
    """One bar panel per scoring (mode, readout, metric, reduction) of an importance
    profile table; implanted positions (synthetic sets) in red; a baseline's panel is
    titled "baseline: ...", one that adds a baseline to GAMA "GAMA + baseline: ...". With `sd` and `ci_low` /
    `ci_high` columns (a summary over replicates): the bars are the mean over replicates,
    the error bars the bootstrap interval, and each replicate's importance (`replicates`,
    the per-replicate profiles) a black dot."""
    panels, columns = _labels(profile, ["mode", "readout", "metric", "reduction"])
    figure, axes = _grid(len(panels), 4.2, 3, 3)
    n_rep = int(profile["replicates"].max()) if "replicates" in profile else 1
    for ax, values in zip(axes, panels):
        part = _select(profile, columns, values)
        colours = ["tab:red" if p in truth else "tab:blue" for p in part.position]
        errors = None
        if {"ci_low", "ci_high"} <= set(part.columns) and part["ci_low"].notna().any():
            errors = np.vstack([(part.importance - part.ci_low).clip(lower=0), (part.ci_high - part.importance).clip(lower=0)])
        ax.bar(part.position, part.importance, color=colours, yerr=errors, capsize=2, ecolor="0.3")
        if replicates is not None:
            points = _select(replicates, columns, values)
            ax.scatter(points.position, points.importance, s=6, color="black", zorder=3)
        ax.set_xticks(part.position, part.position, fontsize=7)
        ax.set_xlabel("residue position" + (" (red: implanted)" if truth else ""))
        ax.set_ylabel("importance")
        label = "/".join(map(str, values))
        ax.set_title(kind_label(metric_kind(dict(zip(columns, values)).get("metric", "gama")), label), fontsize=8)
    note = (f"mean of {n_rep} replicates; error bars: bootstrap 95% interval over the attributed sequences; "
            f"dots: replicates" if replicates is not None else "")
    figure.suptitle(f"GAMA importance profile, {name}" + (f"\n{note}" if note else ""), fontsize=10)
    return figure


def residue_figure(residues: pd.DataFrame, scan: pd.DataFrame, name: str):
    """Position x residue views: the IG difference (trained - initial, one heatmap per
    mode/readout) with a logo of it (residues scaled by their positive difference,
    log_prob readout when present), and the model's mutational scan (mean change in
    log-likelihood per substitution)."""
    import logomaker

    panels = list(dict.fromkeys(residues[["mode", "readout"]].itertuples(index=False, name=None)))
    columns = list(dict.fromkeys(scan["column"]))
    figure, axes = _grid(len(panels) + 2, 6, 4, 2)
    for ax, (mode, readout) in zip(axes, panels):
        part = residues[(residues["mode"] == mode) & (residues["readout"] == readout)]
        grid = part.pivot(index="residue", columns="column", values="difference").reindex(columns=columns)
        limit = float(np.nanmax(np.abs(grid.to_numpy()))) or 1.0
        image = ax.imshow(grid.to_numpy(dtype=float), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        ax.set_xticks(range(len(columns)), columns, fontsize=6, rotation=90)
        ax.set_yticks(range(grid.shape[0]), grid.index, fontsize=6)
        ax.set_title(f"IG per residue, trained - initial: {mode}/{readout}", fontsize=8)
        figure.colorbar(image, ax=ax, shrink=0.8)
    logo_ax, scan_ax = axes[len(panels)], axes[len(panels) + 1]
    chosen = [p for p in panels if p[1] == "log_prob"] or panels
    part = residues[(residues["mode"] == chosen[0][0]) & (residues["readout"] == chosen[0][1])]
    heights = part.pivot(index="column", columns="residue", values="difference").reindex(index=columns).fillna(0)
    heights = heights.clip(lower=0).reset_index(drop=True)
    logomaker.Logo(heights, ax=logo_ax, color_scheme="chemistry")
    logo_ax.set_xticks(range(len(columns)), columns, fontsize=6, rotation=90)
    logo_ax.set_title(f"logo of the positive IG difference ({'/'.join(chosen[0])})", fontsize=8)
    grid = scan.pivot(index="residue", columns="column", values="delta_ll").reindex(columns=columns)
    limit = float(np.nanmax(np.abs(grid.to_numpy()))) or 1.0
    image = scan_ax.imshow(grid.to_numpy(dtype=float), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    scan_ax.set_xticks(range(len(columns)), columns, fontsize=6, rotation=90)
    scan_ax.set_yticks(range(grid.shape[0]), grid.index, fontsize=6)
    scan_ax.set_title("model mutational scan: mean change in log-likelihood (nats)", fontsize=8)
    figure.colorbar(image, ax=scan_ax, shrink=0.8)
    figure.suptitle(f"{name}: position x residue views", fontsize=10)
    return figure
