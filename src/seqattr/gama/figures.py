"""Figures of the GAMA stage: the GAMA matrix as a heatmap and the importance profile."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def _token_label(index: int, length: int) -> str:
    return "S" if index == 0 else ("E" if index == length + 1 else str(index))


def gama_heatmap(matrix: pd.DataFrame, name: str):
    """One heatmap panel per mode of a GAMA matrix table (mode, output_pos, input_pos, score)."""
    modes = list(dict.fromkeys(matrix["mode"]))
    size = int(matrix.output_pos.max()) + 1
    length = size - 2

    figure, axes = plt.subplots(1, len(modes), figsize=(5 * len(modes), 4), squeeze=False, layout="constrained")
    for ax, mode in zip(axes[0], modes):
        grid = matrix[matrix["mode"] == mode].pivot(index="output_pos", columns="input_pos", values="score")
        image = ax.imshow(np.ma.masked_invalid(grid.to_numpy(dtype=float)), cmap="viridis", origin="upper")
        labels = [_token_label(i, length) for i in range(size)]
        ax.set_xticks(range(size), labels, fontsize=6)
        ax.set_yticks(range(size), labels, fontsize=6)
        ax.set_xlabel("input position (S start, E end)")
        ax.set_ylabel("output position (reads up to)")
        ax.set_title(f"GAMA {name}: {mode} mode", fontsize=9)
        figure.colorbar(image, ax=ax, shrink=0.8, label="score")
    return figure


def gama_profile(profile: pd.DataFrame, name: str, truth: set[int] = frozenset()):
    """One bar panel per mode of an importance profile table; implanted positions (synthetic sets) in red."""
    modes = list(dict.fromkeys(profile["mode"]))
    figure, axes = plt.subplots(1, len(modes), figsize=(5 * len(modes), 3), squeeze=False, layout="constrained")
    for ax, mode in zip(axes[0], modes):
        part = profile[profile["mode"] == mode]
        colours = ["tab:red" if p in truth else "tab:blue" for p in part.position]
        ax.bar(part.position, part.importance, color=colours)
        ax.set_xticks(part.position, part.position, fontsize=7)
        ax.set_xlabel("residue position" + (" (red: implanted)" if truth else ""))
        ax.set_ylabel("importance")
        ax.set_title(f"GAMA profile {name}: {mode} mode", fontsize=9)
    return figure
