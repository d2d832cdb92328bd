"""Figures of the GAMA validations: the FNR grid and the Absolut! ground truth.

(Each set's heatmap, profile and logo, one panel per mode, are drawn by the GAMA stage.)
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from seqattr.gama_validation.grid import fnr_summary  # noqa: E402

MODE_STYLE = {"exact": ("-", "o", None), "published": ("--", "s", "none")}  # line, marker, marker fill
RULE_LABEL = {"fnr_rank": "FNR (%), rank rule (top-k)", "fnr_threshold": "FNR (%), threshold rule (modified z > {z:g})"}


def fnr_figure(frame: pd.DataFrame):
    """FNR (%) against signal-to-noise: rows = FNR rule, columns = logic, colour = motif size, line = mode."""
    summary = fnr_summary(frame)
    logics = list(dict.fromkeys(frame["logic"]))
    sizes = sorted(frame["motif_size"].unique())
    colours = dict(zip(sizes, plt.get_cmap("viridis")(np.linspace(0, 0.85, max(len(sizes), 1)))))
    threshold = float(frame["threshold_z"].iloc[0])
    fig, axes = plt.subplots(2, len(logics), figsize=(max(4 * len(logics), 6), 6.5), sharex=True, sharey=True,
                             squeeze=False)
    for row, rule in enumerate(("fnr_rank", "fnr_threshold")):
        for col, logic in enumerate(logics):
            ax = axes[row, col]
            for (mode, size), part in summary[summary["logic"] == logic].groupby(["mode", "motif_size"]):
                part = part.sort_values("signal_to_noise")
                line, marker, fill = MODE_STYLE.get(mode, (":", "^", None))
                ax.plot(part["signal_to_noise"], 100 * part[rule], ls=line, marker=marker, ms=5, mfc=fill,
                        color=colours[size], label=f"{size} positions, {mode} mode")
            ax.axhline(5, color="grey", lw=0.8, ls=":")
            ax.set_xlim(1.05, 0.05)  # the paper's axis, 1.0 to 0.1, whatever slice ran
            ax.set_ylim(-3, 103)
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
    fig.suptitle(f"GAMA synthetic benchmark: false-negative rate of the implanted positions\n"
                 f"{n} experiment{'s' if n != 1 else ''}; modes {', '.join(dict.fromkeys(frame['mode']))}; "
                 f"dotted line: 5%")
    return fig


def ground_truth_figure(table: pd.DataFrame, set_name: str):
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
    return fig
