"""Figures of the GAMA validations: the FNR grid and the Absolut! ground truth.

(Each set's heatmap, profile and logo, one panel per mode, are drawn by the GAMA stage.)
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from seqattr.gama.vocabulary import AUTHORS_CODE, KINDS, PAPER_SCORING, Scoring, kind_label, metric_kind  # noqa: E402
from seqattr.gama_validation.dependency import dependency_summary  # noqa: E402
from seqattr.gama_validation.grid import fnr_summary, scoring_label  # noqa: E402

RULE_STYLE = {"fnr_rank": ("-", "o", None), "fnr_threshold": ("--", "s", "none")}  # line, marker, marker fill
RULE_LABEL = {"fnr_rank": "rank rule (top-k)", "fnr_threshold": "threshold rule (modified z > {z:g})"}


# Above this many scorings the line panels (one row each) stop being readable: one heatmap.
MAX_LINE_SCORINGS = 6
# The paper's scoring in the authors' code and as the paper describes it, marked in the heatmap.
PAPER_SCORINGS = (Scoring(AUTHORS_CODE, *PAPER_SCORING.key[1:]).format(), PAPER_SCORING.format())


# The scorings pre-registered for real sets and for the dependency benchmark
# (docs/gama_validation.md), shown first with the paper's when a grid reports the whole
# cross product.
PREREGISTERED_SCORINGS = ("exact/log_prob/zero/effect_size/output", "exact/mean_logit/zero/null_spread/max")


def fnr_figure(frame: pd.DataFrame, chosen=()):
    """FNR against signal-to-noise for each scoring: line panels (`fnr_lines`) for up to
    MAX_LINE_SCORINGS scorings, a heatmap (`fnr_heatmap`, the `chosen` scorings first) for more."""
    if fnr_summary(frame)["scoring"].nunique() > MAX_LINE_SCORINGS:
        return fnr_heatmap(frame, chosen)
    return fnr_lines(frame)


def fnr_heatmap(frame: pd.DataFrame, chosen=()):
    """Mean FNR (rank rule, %) of every scoring (rows) in each logic x signal-to-noise column,
    over position sets and seeds, the value written in each cell; '*' marks a cell where not
    every model (or null model, where the scoring has one) converged; the paper's scorings
    are labelled in bold. Rows are grouped by kind, each group best first by the mean over
    SNR >= 0.5: GAMA scorings, then those that add the information baseline ("GAMA +
    baseline: "), then the baselines ("baseline: ", one row each: no IG setting changes
    them), apart below a line, so that a baseline is never read as a GAMA result. The
    `chosen` scorings (`vocabulary.Scoring` strings) that the frame has come
    first, in their order, above a line: the few a reader should look at."""
    frame = frame.assign(scoring=frame.apply(scoring_label, axis=1), kind=frame["metric"].map(metric_kind),
                         ok=_converged(frame))
    cells = (frame.groupby(["scoring", "logic", "signal_to_noise"], sort=False)
             .agg(fnr=("fnr_rank", "mean"), ok=("ok", "all")).reset_index())
    logics = list(dict.fromkeys(frame["logic"]))
    snrs = sorted(frame["signal_to_noise"].unique(), reverse=True)
    columns = [(logic, snr) for logic in logics for snr in snrs]
    high = frame[frame["signal_to_noise"] >= 0.5]
    order = (high if len(high) else frame).groupby("scoring")["fnr_rank"].mean().sort_values(kind="stable")
    ranked = list(order.index) + [s for s in dict.fromkeys(frame["scoring"]) if s not in order.index]
    kinds = dict(zip(frame["scoring"], frame["kind"]))
    first = [label for label in (Scoring(*c.split("/")).label() for c in chosen)
             if label in kinds]
    scorings = first + [s for kind in KINDS for s in ranked if kinds[s] == kind and s not in first]
    values = np.full((len(scorings), len(columns)), np.nan)
    marks = np.zeros_like(values, dtype=bool)
    for cell in cells.itertuples():
        i, j = scorings.index(cell.scoring), columns.index((cell.logic, cell.signal_to_noise))
        values[i, j], marks[i, j] = 100 * cell.fnr, not cell.ok
    fig, ax = plt.subplots(figsize=(2.2 + 0.62 * len(columns) + 3.2, 1.6 + 0.26 * len(scorings)))
    image = ax.imshow(values, cmap="magma_r", vmin=0, vmax=100, aspect="auto")
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(j, i, f"{value:.0f}{'*' if marks[i, j] else ''}", ha="center", va="center", fontsize=6.5,
                    color="white" if value > 55 else "black")
    ax.set_xticks(range(len(columns)), [f"{snr:.1f}" for _, snr in columns], fontsize=7)
    for k, logic in enumerate(logics):
        ax.text(k * len(snrs) + (len(snrs) - 1) / 2, -0.9, logic, ha="center", va="bottom", fontsize=9)
        if k:
            ax.axvline(k * len(snrs) - 0.5, color="white", lw=2)
    ax.set_yticks(range(len(scorings)), scorings, fontsize=7)
    for i in range(1, len(scorings)):  # a line between the kinds, and one below the chosen few
        if kinds[scorings[i]] != kinds[scorings[i - 1]] or (first and i == len(first)):
            ax.axhline(i - 0.5, color="tab:blue", lw=2)
    for label in ax.get_yticklabels():
        if label.get_text() in PAPER_SCORINGS:
            label.set_fontweight("bold")
    ax.set_xlabel("signal-to-noise (share of signal sequences)")
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01, label="FNR (%), rank rule")
    n = frame["experiment"].nunique()
    fig.suptitle(f"GAMA synthetic grid: false-negative rate of the implanted positions, {n} experiments\n"
                 "mean over position sets and seeds; rows: mode/readout/ig_start/metric/reduction, by kind "
                 "(GAMA; GAMA + baseline; baseline: no IG), each best first (SNR >= 0.5); bold: the paper's; "
                 "*: a model not converged", fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.45 / fig.get_figheight()))  # room for the title above the logic labels
    return fig


def _converged(frame: pd.DataFrame) -> pd.Series:
    """Per row: the model converged, and the null model too where the row has one."""
    def true(column):
        return frame[column].astype(str).str.lower() == "true"

    has_null = frame["null_converged"].astype(str).str.lower().isin(["true", "false"])
    return true("converged") & (~has_null | true("null_converged"))


def fnr_lines(frame: pd.DataFrame):
    """FNR (%) against signal-to-noise: rows = scoring (mode/readout/ig_start/metric/reduction),
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
                 f"{n} experiment{'s' if n != 1 else ''}; scoring = mode/readout/ig_start/metric/reduction; dotted line: 5%")
    return fig


def ground_truth_figure(table: pd.DataFrame, set_name: str, rhos: pd.DataFrame | None = None):
    """Left: Spearman rho of every scoring, each replicate's a dot and the mean profile's a
    cross (the paper's 0.74 dotted). Right: importance (mean over replicates, bootstrap
    interval) against |mean binding energy| for the paper's scoring in each mode
    (mean_logit/gama/input where present), rho and both p-values in the titles."""
    scoring = [c for c in ("mode", "readout", "metric", "reduction") if c in table.columns]
    keys = list(dict.fromkeys(table[scoring].itertuples(index=False, name=None)))
    paper = [k for k in keys if k[1:] == ("mean_logit", "gama", "input")] or keys[:2]
    fig, axes = plt.subplots(1, 1 + len(paper), figsize=(5.5 + 4.4 * len(paper), max(4.2, 0.28 * len(keys) + 1.5)),
                             squeeze=False)
    ax = axes[0][0]
    for y, key in enumerate(keys):
        part = table[(table[scoring] == pd.Series(key, index=scoring)).all(axis=1)]
        if rhos is not None and len(rhos):
            mine = rhos[(rhos[scoring] == pd.Series(key, index=scoring)).all(axis=1)]
            ax.scatter(mine["spearman_rho"], [y] * len(mine), s=18, color="tab:blue", alpha=0.8,
                       label="replicate" if y == 0 else None)
        ax.scatter([part["spearman_rho"].iloc[0]], [y], marker="x", s=40, color="black",
                   label="mean profile" if y == 0 else None)
    ax.axvline(0.74, color="tab:red", linestyle=":", label="paper (another antigen): 0.74")
    ax.axvline(0, color="0.7", linewidth=0.8)
    ax.set_yticks(range(len(keys)), ["/".join(map(str, k)) for k in keys], fontsize=7)
    ax.set_xlim(-1, 1)
    ax.invert_yaxis()
    ax.set_xlabel("Spearman rho, importance vs |mean binding energy|")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False)
    for ax, key in zip(axes[0][1:], paper):
        part = table[(table[scoring] == pd.Series(key, index=scoring)).all(axis=1)]
        rho, p = part["spearman_rho"].iloc[0], part["spearman_p"].iloc[0]
        errors = None
        if {"ci_low", "ci_high"} <= set(part.columns) and part["ci_low"].notna().any():
            errors = np.vstack([(part["importance"] - part["ci_low"]).clip(lower=0),
                                (part["ci_high"] - part["importance"]).clip(lower=0)])
        ax.errorbar(part["abs_mean_energy"], part["importance"], yerr=errors, fmt="o", color="tab:blue",
                    ecolor="0.5", capsize=2)
        for _, r in part.iterrows():
            ax.annotate(str(int(r["position"])), (r["abs_mean_energy"], r["importance"]),
                        textcoords="offset points", xytext=(4, 3), fontsize=8)
        perm = f", perm. p = {part['permutation_p'].iloc[0]:.2g}" if "permutation_p" in part else ""
        ax.set_title(f"{'/'.join(map(str, key))}\nrho = {rho:.2f}, scipy p = {p:.2g}{perm}", fontsize=9)
        ax.set_xlabel("|mean binding energy| per position (Absolut!)")
        ax.set_ylabel("GAMA importance (mean over replicates)")
    fig.suptitle(f"{set_name}: GAMA importance vs Absolut! binding energy")
    fig.tight_layout()
    return fig


def negatives_figure(per_column: pd.DataFrame, per_residue: pd.DataFrame, result: pd.DataFrame, set_name: str):
    """Left: per-column KL(binders || non-binders) with its bootstrap interval. Middle:
    log-odds binders vs non-binders per column x residue. Right: Spearman rho of every
    scoring against each truth (KL; the supervised baselines: logistic regression and, when
    computed, the CNN with Integrated Gradients, marked as not converged where it did not),
    baselines labelled."""
    fig, axes = plt.subplots(1, 3, figsize=(16, max(4.5, 0.22 * result[["mode", "readout", "metric",
                                                                          "reduction"]].drop_duplicates().shape[0]
                                                        + 2)), gridspec_kw={"width_ratios": [1.2, 1.4, 1.6]})
    ax = axes[0]
    x = np.arange(len(per_column))
    errors = np.vstack([(per_column["kl"] - per_column["kl_ci_low"]).clip(lower=0),
                        (per_column["kl_ci_high"] - per_column["kl"]).clip(lower=0)])
    ax.bar(x, per_column["kl"], yerr=errors, color="tab:green", capsize=2, ecolor="0.3")
    ax.set_xticks(x, per_column["column"], fontsize=7, rotation=90)
    ax.set_xlabel("position")
    ax.set_ylabel("KL(binders || non-binders), nats")
    ax.set_title("binders vs non-binders per position\n(bootstrap 95% interval)", fontsize=9)
    ax = axes[1]
    grid = per_residue.pivot(index="residue", columns="column", values="log_odds")[list(per_column["column"])]
    limit = float(np.nanmax(np.abs(grid.to_numpy()))) or 1.0
    image = ax.imshow(grid.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    ax.set_xticks(range(grid.shape[1]), grid.columns, fontsize=7, rotation=90)
    ax.set_yticks(range(grid.shape[0]), grid.index, fontsize=7)
    ax.set_title("log-odds, binders vs non-binders", fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8, label="ln f_binders - ln f_non-binders")
    ax = axes[2]
    keys = list(dict.fromkeys(result[["mode", "readout", "metric", "reduction", "kind"]].itertuples(index=False,
                                                                                                    name=None)))
    names = {"kl": "KL", "logistic": "baseline: logistic regression", "cnn_ig": "baseline: CNN + IG"}
    for truth, colour in (("kl", "tab:green"), ("logistic", "tab:purple"), ("cnn_ig", "tab:orange")):
        part = result[result["truth"] == truth]
        if part.empty:
            continue
        ys = [keys.index(k) for k in part[["mode", "readout", "metric", "reduction", "kind"]].itertuples(
            index=False, name=None)]
        label = f"vs {names[truth]}"
        if "truth_converged" in part.columns and not part["truth_converged"].all():
            label += " (not converged: no rho)"
        ax.scatter(part["spearman_rho"], ys, color=colour, s=22, label=label)
        ax.hlines(ys, part["rho_replicate_min"], part["rho_replicate_max"], color=colour, alpha=0.5)
    ax.set_yticks(range(len(keys)), [kind_label(k[4], "/".join(k[:4])) for k in keys], fontsize=7)
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_xlim(-1, 1)
    ax.invert_yaxis()
    ax.set_xlabel("Spearman rho of the GAMA profile (mean over replicates; line: replicates' range)")
    ax.legend(fontsize=7, loc="lower left")
    fig.suptitle(f"{set_name}: GAMA against binders vs non-binders", fontsize=10)
    fig.tight_layout()
    return fig


def dependency_figure(frame: pd.DataFrame, chosen=()):
    """The dependency benchmark at a glance: edge AUPRC (left) and position AUROC (right) of
    every scoring (rows: the configured scorings in their order, i.e. the chosen few first,
    then the model-free baselines) in each set kind x SNR column, over the experiments
    whose model reached its learned-fraction goal (all seeds; '*' where some did not);
    the null set's column is the threshold rule's false-positive rate (%) instead."""
    summary = dependency_summary(frame, choosing_seeds=()).drop(columns="seed_role")
    labels = list(dict.fromkeys(frame.apply(scoring_label, axis=1)))
    kinds = dict(zip(summary["scoring"], summary["kind"]))
    chosen = [Scoring(*scoring.split("/")).label() for scoring in chosen]
    first = [label for label in chosen if label in labels]
    scorings = first + [s for kind in KINDS for s in labels if kinds.get(s) == kind and s not in first]
    columns = [(kind, snr) for kind in dict.fromkeys(frame["set_kind"]) if kind != "uniform"
               for snr in sorted(frame.loc[frame["set_kind"] == kind, "signal_to_noise"].unique(), reverse=True)]
    has_null = (frame["set_kind"] == "uniform").any()
    fig, axes = plt.subplots(1, 2, figsize=(2 * (1.2 + 0.55 * (len(columns) + has_null)) + 5,
                                            1.8 + 0.3 * len(scorings)), sharey=True)
    for ax, (metric, title) in zip(axes, (("edge_auprc", "edge AUPRC"), ("position_auroc", "position AUROC"))):
        values = np.full((len(scorings), len(columns) + has_null), np.nan)
        marks = np.zeros_like(values, dtype=bool)
        unfitted = np.zeros_like(values, dtype=bool)  # no model of the cell reached its goal: nothing to report
        for row in summary.itertuples():
            if row.scoring not in scorings:
                continue
            i = scorings.index(row.scoring)
            if row.set_kind == "uniform":
                j = values.shape[1] - 1
                values[i, j] = row.fpr_threshold
            elif (row.set_kind, row.signal_to_noise) in columns:
                j = columns.index((row.set_kind, row.signal_to_noise))
                values[i, j] = getattr(row, metric)
            else:
                continue
            marks[i, j], unfitted[i, j] = row.converged < row.experiments, row.converged == 0
        image = ax.imshow(values, cmap="viridis", vmin=0, vmax=1, aspect="auto")
        for (i, j), value in np.ndenumerate(values):
            if unfitted[i, j]:
                ax.text(j, i, "n/c", ha="center", va="center", fontsize=6, color="grey")
            elif np.isfinite(value):
                text = f"{100 * value:.0f}%" if has_null and j == values.shape[1] - 1 else f"{value:.2f}"
                ax.text(j, i, text + ("*" if marks[i, j] else ""), ha="center", va="center", fontsize=6.5,
                        color="white" if value < 0.5 else "black")
        ticks = [f"{kind}\n{snr:.1f}" for kind, snr in columns] + (["uniform\nFPR"] if has_null else [])
        ax.set_xticks(range(len(ticks)), ticks, fontsize=7)
        ax.set_title(title, fontsize=9)
        for i in range(1, len(scorings)):
            if kinds.get(scorings[i]) != kinds.get(scorings[i - 1]) or (first and i == len(first)):
                ax.axhline(i - 0.5, color="tab:red", lw=1.5)
    axes[0].set_yticks(range(len(scorings)), scorings, fontsize=7)
    for label in axes[0].get_yticklabels():
        if label.get_text() in PAPER_SCORINGS:
            label.set_fontweight("bold")
    fig.colorbar(image, ax=axes, fraction=0.03, pad=0.01)
    n = frame["experiment"].nunique()
    fig.suptitle(f"GAMA dependency benchmark, {n} experiments: set kind x SNR; mean over converged models "
                 "(learned fraction >= goal; *: some not; n/c: none); bold: the paper's scorings; "
                 "last column: null set, threshold-rule FPR", fontsize=8.5)
    return fig
