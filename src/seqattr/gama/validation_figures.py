"""Figures of the GAMA validations: FNR grid, Absolut! ground truth, modes side by side."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from seqattr.gama.benchmark import fnr_summary  # noqa: E402
from seqattr.io import atomic_path  # noqa: E402

MODE_STYLE = {"exact": "-", "published": "--"}
RULE_LABEL = {"fnr_rank": "FNR, rank rule (top-k)", "fnr_threshold": "FNR, threshold rule (modified z > {z:g})"}


def save_figure(fig, png, pdf=None) -> None:
    """PNG and PDF, atomically; no timestamps in the PDF so reruns give equal bytes."""
    with atomic_path(png) as tmp:
        fig.savefig(tmp, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    if pdf is not None:
        with atomic_path(pdf) as tmp:
            fig.savefig(tmp, format="pdf", bbox_inches="tight", metadata={"CreationDate": None, "Creator": None})
    plt.close(fig)


def fnr_figure(frame: pd.DataFrame, png, pdf=None) -> None:
    """FNR against signal-to-noise: rows = FNR rule, columns = logic, colour = motif size, line = mode."""
    summary = fnr_summary(frame)
    logics = list(dict.fromkeys(frame["logic"]))
    sizes = sorted(frame["motif_size"].unique())
    colours = dict(zip(sizes, plt.get_cmap("viridis")(np.linspace(0, 0.85, max(len(sizes), 1)))))
    threshold = float(frame["threshold_z"].iloc[0])
    fig, axes = plt.subplots(2, len(logics), figsize=(4 * len(logics), 6.5), sharex=True, sharey=True, squeeze=False)
    for row, rule in enumerate(("fnr_rank", "fnr_threshold")):
        for col, logic in enumerate(logics):
            ax = axes[row, col]
            for (mode, size), part in summary[summary["logic"] == logic].groupby(["mode", "motif_size"]):
                part = part.sort_values("signal_to_noise")
                ax.plot(part["signal_to_noise"], part[rule], MODE_STYLE.get(mode, ":"), marker="o", ms=3,
                        color=colours[size], label=f"{size} positions, {mode}")
            ax.axhline(0.05, color="grey", lw=0.8, ls=":")
            ax.set_xlim(1.05, 0.0 if summary["signal_to_noise"].min() < 0.2 else summary["signal_to_noise"].min() - 0.05)
            ax.set_ylim(-0.03, 1.03)
            if row == 0:
                ax.set_title(logic)
            if row == 1:
                ax.set_xlabel("signal-to-noise (share of signal sequences)")
            if col == 0:
                ax.set_ylabel(RULE_LABEL[rule].format(z=threshold))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    for ax in axes.flat:  # a logic may lack some sizes in a slice: collect every label once
        for h, l in zip(*ax.get_legend_handles_labels()):
            if l not in labels:
                handles.append(h)
                labels.append(l)
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6), frameon=False, bbox_to_anchor=(0.5, -0.06))
    n = frame["experiment"].nunique()
    fig.suptitle(f"GAMA synthetic benchmark: false-negative rate of implanted positions ({n} experiments; "
                 f"modes {', '.join(dict.fromkeys(frame['mode']))}; dotted line 5%)")
    save_figure(fig, png, pdf)


def ground_truth_figure(table: pd.DataFrame, set_name: str, png, pdf=None) -> None:
    """GAMA importance against |mean binding energy|, one panel per mode, rho in the titles."""
    modes = list(dict.fromkeys(table["mode"]))
    fig, axes = plt.subplots(1, len(modes), figsize=(4.6 * len(modes), 4.2), squeeze=False)
    titles = []
    for ax, mode in zip(axes[0], modes):
        part = table[table["mode"] == mode]
        rho, p = part["spearman_rho"].iloc[0], part["spearman_p"].iloc[0]
        ax.scatter(part["abs_mean_energy"], part["importance"], color="tab:blue")
        for _, r in part.iterrows():
            ax.annotate(str(int(r["position"])), (r["abs_mean_energy"], r["importance"]),
                        textcoords="offset points", xytext=(4, 3), fontsize=8)
        ax.set_title(f"{mode}: Spearman rho = {rho:.2f}, p = {p:.2g}")
        ax.set_xlabel("|mean binding energy| per position (Absolut!)")
        ax.set_ylabel("GAMA importance")
        titles.append(f"{mode} rho = {rho:.2f}")
    fig.suptitle(f"{set_name}: GAMA importance vs biophysical ground truth ({'; '.join(titles)}; paper: rho = 0.74)")
    fig.tight_layout()
    save_figure(fig, png, pdf)


def mode_profiles_figure(profile: pd.DataFrame, set_name: str, png, pdf=None) -> None:
    """Importance profile per mode, bars side by side; each mode scaled to its own maximum."""
    modes = list(dict.fromkeys(profile["mode"]))
    positions = sorted(profile["position"].unique())
    width = 0.8 / len(modes)
    fig, ax = plt.subplots(figsize=(max(6, 0.5 * len(positions) + 2), 3.6))
    for i, mode in enumerate(modes):
        part = profile[profile["mode"] == mode].set_index("position").reindex(positions)
        values = part["importance"].to_numpy(dtype=float)
        scale = np.nanmax(np.abs(values)) if np.isfinite(values).any() and np.nanmax(np.abs(values)) > 0 else 1.0
        ax.bar(np.arange(len(positions)) + (i - (len(modes) - 1) / 2) * width, values / scale, width,
               label=f"{mode} (top 4: {', '.join(map(str, part['importance'].nlargest(4).index))})")
    ax.set_xticks(np.arange(len(positions)), [str(p) for p in positions])
    ax.set_xlabel("residue position")
    ax.set_ylabel("importance / max of mode")
    ax.set_title(f"{set_name}: GAMA importance profile, modes side by side")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    save_figure(fig, png, pdf)


def mode_heatmaps_figure(matrix: pd.DataFrame, set_name: str, png, pdf=None) -> None:
    """GAMA matrix (output x input position) per mode; undefined pairs (input after output) blank."""
    modes = list(dict.fromkeys(matrix["mode"]))
    fig, axes = plt.subplots(1, len(modes), figsize=(4.8 * len(modes), 4.2), squeeze=False)
    for ax, mode in zip(axes[0], modes):
        grid = matrix[matrix["mode"] == mode].pivot(index="output_pos", columns="input_pos", values="score")
        image = ax.imshow(grid.to_numpy(dtype=float), origin="upper", cmap="magma", aspect="auto")
        ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns], fontsize=7)
        ax.set_yticks(range(grid.shape[0]), [str(r) for r in grid.index], fontsize=7)
        ax.set_xlabel("input position")
        ax.set_ylabel("output position")
        ax.set_title(f"{mode}")
        fig.colorbar(image, ax=ax, shrink=0.8, label="GAMA score")
    fig.suptitle(f"{set_name}: GAMA matrix, modes side by side")
    fig.tight_layout()
    save_figure(fig, png, pdf)


def logo_figure(sequences: list[str], set_name: str, png, pdf=None) -> None:
    """Information-content logo of an equal-length set (logomaker)."""
    import logomaker

    lengths = {len(s) for s in sequences}
    if len(lengths) != 1:
        raise ValueError(f"{set_name}: a logo needs equal lengths, got {sorted(lengths)}")
    counts = logomaker.alignment_to_matrix(sequences, to_type="information")
    counts.index = counts.index + 1  # 1-based positions, as in the GAMA outputs
    fig, ax = plt.subplots(figsize=(max(6, 0.55 * len(counts) + 1), 2.8))
    logomaker.Logo(counts, ax=ax, color_scheme="chemistry")
    ax.set_xticks(list(counts.index))
    ax.set_xlabel("residue position")
    ax.set_ylabel("bits")
    ax.set_title(f"{set_name}: sequence logo ({len(sequences):,} sequences)")
    fig.tight_layout()
    save_figure(fig, png, pdf)
