"""Figures of the GAMA stage: heatmap, importance profile, sequence logo, NLL curve."""

from __future__ import annotations

import logomaker
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from seqattr.figures import save_figure  # noqa: E402
from seqattr.generative.alphabet import AMINO_ACIDS  # noqa: E402
from seqattr.io import read_table  # noqa: E402


def _token_label(index: int, length: int) -> str:
    return "S" if index == 0 else ("E" if index == length + 1 else str(index))


def gama_figures(matrix_path, profile_path, heatmap_png, profile_png, name: str, truth_path=None) -> None:
    """One heatmap panel and one profile panel per mode; implanted positions (synthetic) marked."""
    matrix = read_table(matrix_path)
    profile = read_table(profile_path)
    truth = set(read_table(truth_path)["position"]) if truth_path else set()
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
    save_figure(figure, heatmap_png)

    figure, axes = plt.subplots(1, len(modes), figsize=(5 * len(modes), 3), squeeze=False, layout="constrained")
    for ax, mode in zip(axes[0], modes):
        part = profile[profile["mode"] == mode]
        colours = ["tab:red" if p in truth else "tab:blue" for p in part.position]
        ax.bar(part.position, part.importance, color=colours)
        ax.set_xticks(part.position, part.position, fontsize=7)
        ax.set_xlabel("residue position" + (" (red: implanted)" if truth else ""))
        ax.set_ylabel("importance")
        ax.set_title(f"GAMA profile {name}: {mode} mode", fontsize=9)
    save_figure(figure, profile_png)


def set_figures(sequences_path, history_path, logo_png, nll_png, name: str) -> None:
    """Sequence logo (information content) of the set and the training NLL curve."""
    sequences = read_table(sequences_path)["sequence"].tolist()
    counts = logomaker.alignment_to_matrix(sequences, to_type="counts", characters_to_ignore="")
    counts = counts.reindex(columns=list(AMINO_ACIDS), fill_value=0)
    info = logomaker.transform_matrix(counts, from_type="counts", to_type="information")
    info.index = info.index + 1
    figure, ax = plt.subplots(figsize=(max(4, 0.45 * len(info)), 2.6))
    logomaker.Logo(info, ax=ax, color_scheme="chemistry")
    ax.set_xlabel("residue position")
    ax.set_ylabel("bits")
    ax.set_title(f"{name}: {len(sequences)} sequences", fontsize=9)
    save_figure(figure, logo_png)

    history = read_table(history_path)
    figure, ax = plt.subplots(figsize=(4, 3))
    ax.plot(history.epoch, history.train_nll, label="train")
    ax.plot(history.epoch, history.val_nll, label="held out")
    ax.axhline(np.log(20), color="grey", ls=":", label="uniform over 20 residues")
    ax.set_xlabel("epoch")
    ax.set_ylabel("NLL (nats per token)")
    ax.set_title(f"{name}: training", fontsize=9)
    ax.legend(fontsize=7)
    save_figure(figure, nll_png)
