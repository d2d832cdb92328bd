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

RULE_STYLE = {"fnr_rank": ("-", "o", None), "fnr_threshold": ("--", "s", "none")}  # line, marker, marker fill
RULE_LABEL = {"fnr_rank": "rank rule (top-k)", "fnr_threshold": "threshold rule (modified z > {z:g})"}


def fnr_figure(frame: pd.DataFrame):
    """FNR (%) against signal-to-noise: rows = scoring (mode/readout/metric/reduction),
    columns = logic, colour = motif size, solid = rank rule, dashed = threshold rule.
    A hollow grey ring marks a point where not every experiment's model converged."""
    summary = fnr_summary(frame)
    logics = list(dict.fromkeys(frame["logic"]))
    scorings = list(dict.fromkeys(summary["scoring"]))
    sizes = sorted(frame["motif_size"].unique())
    colours = dict(zip(sizes, plt.get_cmap("viridis")(np.linspace(0, 0.85, max(len(sizes), 1)))))
    threshold = float(frame["threshold_z"].iloc[0])
    fig, axes = plt.subplots(len(scorings), len(logics), figsize=(max(4 * len(logics), 6), 2.6 * len(scorings) + 1),
                             sharex=True, sharey=True, squeeze=False)
    for row, scoring in enumerate(scorings):
        for col, logic in enumerate(logics):
            ax = axes[row, col]
            part_of = summary[(summary["logic"] == logic) & (summary["scoring"] == scoring)]
            for size, part in part_of.groupby("motif_size"):
                part = part.sort_values("signal_to_noise")
                for rule, (line, marker, fill) in RULE_STYLE.items():
                    ax.plot(part["signal_to_noise"], 100 * part[rule], ls=line, marker=marker, ms=5, mfc=fill,
                            color=colours[size], label=f"{size} positions, {RULE_LABEL[rule].format(z=threshold)}")
                unconverged = part[part["converged"] < 1]
                ax.scatter(unconverged["signal_to_noise"], 100 * unconverged["fnr_rank"], s=110, facecolors="none",
                           edgecolors="grey", label="not every model converged")
            ax.axhline(5, color="grey", lw=0.8, ls=":")
            ax.set_xlim(1.05, 0.05)  # the paper's axis, 1.0 to 0.1, whatever slice ran
            ax.set_ylim(-3, 103)
            if row == 0:
                ax.set_title(logic)
            if row == len(scorings) - 1:
                ax.set_xlabel("signal-to-noise (share of signal sequences)")
            if col == 0:
                ax.set_ylabel(f"FNR (%)\n{scoring}", fontsize=8)
    handles, labels = [], []
    for ax in axes.flat:  # a logic may lack some sizes in a slice: collect every label once
        for h, l in zip(*ax.get_legend_handles_labels()):
            if l not in labels:
                handles.append(h)
                labels.append(l)
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 3), frameon=False,
               bbox_to_anchor=(0.5, -0.02 - 0.02 * len(labels) / 3))
    n = frame["experiment"].nunique()
    fig.suptitle(f"GAMA synthetic grid: false-negative rate of the implanted positions\n"
                 f"{n} experiment{'s' if n != 1 else ''}; scoring = mode/readout/metric/reduction; dotted line: 5%")
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
