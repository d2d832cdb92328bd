"""Figures of the saliency stage: perturbation curves, motif recovery, attribution logos,
mean-saliency heatmaps. Each is written as PNG and PDF (same name, other suffix)."""

from __future__ import annotations


import matplotlib

matplotlib.use("Agg")
import logomaker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from seqattr.names import classifier_name, method_name, model_name  # noqa: E402
from seqattr.saliency import ORDERS  # noqa: E402

ORDER_STYLES = {"top": "-", "random": ":", "bottom": "--"}
ORDER_WORDS = {"top": "most salient removed", "bottom": "least salient removed"}
MOTIF_COLOUR, MOTIF_ALPHA = "gold", 0.25
METHOD_COLOURS = {"attention": "tab:red", "ig": "tab:blue", "grad_x_input": "tab:green",
                  "deep_lift_shap": "tab:purple"}
CLASSIFIER_KEYS = ["dataset", "model", "mask_ratio", "seed"]
MODEL_KEYS = ["dataset", "model", "mask_ratio"]


def classifier_title(row) -> str:
    """'synthetic_tiny' over 'AttnGen r = 0.2, seed 0'."""
    return f"{row['dataset']}\n{classifier_name(row['model'], row['mask_ratio'], row['seed'])}"


def grid(n_panels: int, columns: int, width: float, height: float):
    columns = max(1, min(columns, n_panels))
    rows = max(1, -(-n_panels // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows), squeeze=False)
    for ax in axes.flat[n_panels:]:
        ax.set_visible(False)
    return figure, list(axes.flat)


def method_colour(method: str, k: int):
    return METHOD_COLOURS.get(method, f"C{k + 3}")


def perturbation_figure(table: pd.DataFrame, chance: dict[str, float]):
    """Accuracy vs fraction removed: a panel per dataset, model and mask ratio, a line per
    method and order (mean over seeds; band: min to max over seeds)."""
    groups = table[MODEL_KEYS].drop_duplicates().to_dict("records")
    figure, axes = grid(len(groups), 3, 4.2, 3.4)
    for ax, group in zip(axes, groups):
        rows = table.loc[(table[MODEL_KEYS] == pd.Series(group)).all(axis=1)]
        n_seeds = rows["seed"].nunique()
        for k, method in enumerate(rows["method"].unique()):
            for order in ORDERS:
                if order == "random" and k > 0:
                    continue  # the same random draws for every method: one line
                curve = (rows[(rows["method"] == method) & (rows["order"] == order)]
                         .groupby("fraction")["accuracy"].agg(["mean", "min", "max"]))
                label = "random positions removed" if order == "random" else f"{method_name(method)}: {ORDER_WORDS[order]}"
                colour = "0.35" if order == "random" else method_colour(method, k)
                ax.plot(100 * curve.index, 100 * curve["mean"], ORDER_STYLES[order], color=colour, marker="o",
                        markersize=3, label=label)
                if n_seeds > 1:
                    ax.fill_between(100 * curve.index, 100 * curve["min"], 100 * curve["max"], color=colour,
                                    alpha=0.12)
        level = chance.get(group["dataset"])
        if level is not None:
            ax.axhline(100 * level, color="0.6", linewidth=1, label="chance (majority class)")
        seeds = f"mean of {n_seeds} seeds, band: min to max" if n_seeds > 1 else f"seed {rows['seed'].iloc[0]}"
        ax.set_title(f"{group['dataset']}\n{model_name(group['model'], group['mask_ratio'])} ({seeds})", fontsize=9)
        ax.set_xlabel("positions removed (%)")
        ax.set_ylabel("accuracy (%)")
        ax.set_ylim(0, 102)
    shared_legend(figure, axes)
    return figure


def removal_figure(summary: pd.DataFrame):
    """The paper's saliency claim, a row per dataset. Left: accuracy after removing the
    top, random and bottom k% by each method, per classifier (bars: mean over seeds;
    error bars: SD; tick: intact accuracy). Right: the deletion curve's area for top
    removal (lower: the method ranks the positions that matter first)."""
    datasets = list(dict.fromkeys(summary["dataset"]))
    figure, axes = plt.subplots(len(datasets), 2, figsize=(16, 4.2 * len(datasets)), squeeze=False,
                                gridspec_kw={"width_ratios": [2, 1]})
    for row, dataset in enumerate(datasets):
        table = summary[summary["dataset"] == dataset]
        models = sorted(table[["model", "mask_ratio"]].drop_duplicates().itertuples(index=False, name=None),
                        key=lambda m: (m[0] != "cnn", float(m[1])))
        methods = list(dict.fromkeys(table["method"]))
        labels = [model_name(m, r) for m, r in models]
        width = 0.8 / (3 * len(methods))
        left, right = axes[row]
        for k, method in enumerate(methods):
            colour = method_colour(method, k)
            rows = [table[(table["model"] == m) & (table["mask_ratio"] == r) & (table["method"] == method)]
                    for m, r in models]
            for j, order in enumerate(ORDERS):
                x = np.arange(len(models)) + ((3 * k + j) - (3 * len(methods) - 1) / 2) * width
                mean = [100 * r[f"{order}_mean"].iloc[0] if len(r) else np.nan for r in rows]
                sd = [100 * r[f"{order}_sd"].iloc[0] if len(r) else np.nan for r in rows]
                left.bar(x, mean, width, yerr=np.nan_to_num(sd), capsize=2, color=colour if order != "random" else "0.6",
                         alpha={"top": 1.0, "random": 0.8, "bottom": 0.35}[order], edgecolor=colour,
                         label=(f"{method_name(method)}: {ORDER_WORDS[order]}" if order != "random"
                                else "random positions removed" if k == 0 else None))
                if j == 0:
                    intact = [100 * r["intact_mean"].iloc[0] if len(r) else np.nan for r in rows]
                    left.scatter(x + width, intact, marker="_", s=200, color="black", zorder=3,
                                 label="intact" if k == 0 else None)
            areas = [100 * r["auc_top_mean"].iloc[0] if len(r) else np.nan for r in rows]
            area_sd = [100 * r["auc_top_sd"].iloc[0] if len(r) else np.nan for r in rows]
            x = np.arange(len(models)) + (k - (len(methods) - 1) / 2) * (0.8 / len(methods))
            right.bar(x, areas, 0.8 / len(methods), yerr=np.nan_to_num(area_sd), capsize=2, color=colour,
                      label=method_name(method))
        fraction = 100 * float(table["fraction"].iloc[0])
        left.set_ylabel(f"accuracy after removing {fraction:g}% (%)")
        left.set_title(f"{dataset}: {fraction:g}% of positions removed (mean ± SD over seeds)", fontsize=10)
        right.set_ylabel("deletion curve area (mean accuracy, %)")
        right.set_title("top-first deletion: lower is more faithful", fontsize=10)
        for ax in (left, right):
            ax.set_xticks(np.arange(len(models)), labels, rotation=30, ha="right", fontsize=8)
            ax.set_ylim(0, 102)
        left.legend(fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.28), frameon=False)
        right.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.28), frameon=False)
    figure.tight_layout()
    return figure


def shared_legend(figure, axes) -> None:
    """One legend for all panels, right of them, so that no line is hidden under it."""
    handles = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    figure.tight_layout()
    figure.legend(list(handles.values()), list(handles.keys()), loc="center left", bbox_to_anchor=(1.0, 0.5),
                  fontsize=8, frameon=False)


def motif_recovery_figure(table: pd.DataFrame):
    """Mean per-sequence AUROC (with SD) and AUPRC per classifier and method."""
    classifiers = table[CLASSIFIER_KEYS].drop_duplicates().to_dict("records")
    methods = list(dict.fromkeys(table["method"]))
    figure, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(max(5.0, 1.1 * len(classifiers) + 2.5), 6.0))
    width = 0.8 / max(1, len(methods))
    for k, method in enumerate(methods):
        values = [table.loc[(table[CLASSIFIER_KEYS] == pd.Series(c)).all(axis=1) & (table["method"] == method)]
                  for c in classifiers]
        auroc = [v["auroc_mean"].iloc[0] if len(v) else np.nan for v in values]
        sd = [v["auroc_sd"].iloc[0] if len(v) else np.nan for v in values]
        auprc = [v["auprc_mean"].iloc[0] if len(v) else np.nan for v in values]
        x = np.arange(len(classifiers)) + (k - (len(methods) - 1) / 2) * width
        top.bar(x, auroc, width, yerr=sd, capsize=2, color=method_colour(method, k), label=method_name(method))
        bottom.bar(x, auprc, width, color=method_colour(method, k), label=method_name(method))
    top.axhline(0.5, color="0.6", linewidth=1, label="random ranking (AUROC)")
    several_datasets = len({c["dataset"] for c in classifiers}) > 1
    labels = [classifier_title(c).replace("\n", " ") if several_datasets else classifier_title(c).split("\n")[1]
              for c in classifiers]
    bottom.set_xticks(np.arange(len(classifiers)), labels, rotation=30, ha="right", fontsize=8)
    for ax, name in ((top, "motif AUROC\n(mean ± SD per sequence)"), (bottom, "motif AUPRC\n(mean per sequence)")):
        ax.set_ylabel(name)
        ax.set_ylim(0, 1.05)
    if not several_datasets and classifiers:
        top.set_title(classifiers[0]["dataset"], fontsize=9)
    shared_legend(figure, [top, bottom])
    return figure


def pick_examples(labels, predictions, classes, has_motif=None) -> dict[int, int]:
    """Per class, the first correctly predicted row (with a planted motif when known)."""
    examples = {}
    for k in range(len(classes)):
        candidates = (labels == k) & (predictions == k)
        if has_motif is not None and (candidates & has_motif).any():
            candidates &= has_motif
        if not candidates.any():
            candidates = labels == k
        if candidates.any():
            examples[k] = int(np.flatnonzero(candidates)[0])
    return examples


def logo_window(length: int, width: int, centre: int) -> slice:
    width = min(width, length)
    start = min(max(centre - width // 2, 0), length - width)
    return slice(start, start + width)


def attribution_logos(onehot: np.ndarray, saliency: dict[str, dict], classes: list[str], title: str,
                      truth: np.ndarray | None = None, width: int = 60):
    """One logo per class example and method: letter height = saliency at the observed base
    (below the axis when negative); planted motifs shaded, the shading named in a legend.

    Each logo shows a window of `width` positions around the example's first planted motif
    (or, without one, its highest-|saliency| position under the first method): logomaker
    draws every letter of every position, and the whole of a 200-nt sequence took about
    4 times as long for letters too small to read.

    `onehot` (N, 4, L) and every `saliency[method]` (ids, labels, predictions, scores) refer
    to the same evaluation rows.
    """
    first = next(iter(saliency.values()))
    has_motif = truth.any(axis=1) if truth is not None else None
    examples = pick_examples(first["labels"], first["predictions"], classes, has_motif)
    panels = [(k, method) for k in examples for method in saliency]
    length = onehot.shape[2]
    width = min(width, length)
    figure, axes = plt.subplots(len(panels), 1, figsize=(max(6.0, width * 0.12), 1.6 * len(panels)), squeeze=False)
    for ax, (k, method) in zip(axes[:, 0], panels):
        row = examples[k]
        if truth is not None and truth[row].any():
            start, end = intervals(truth[row])[0]
            centre = (start + end) // 2
        else:
            centre = int(np.argmax(np.abs(first["scores"][row])))
        window = logo_window(length, width, centre)
        heights = onehot[row, :, window].T.astype(float) * saliency[method]["scores"][row, window][:, None]
        frame = pd.DataFrame(heights, columns=list("ACGT"), index=np.arange(window.start, window.stop))
        logomaker.Logo(frame, ax=ax, color_scheme="classic", flip_below=False)
        ax.axhline(0, color="0.5", linewidth=0.5)
        if truth is not None:
            for start, end in intervals(truth[row, window]):
                ax.axvspan(window.start + start - 0.5, window.start + end - 0.5, color=MOTIF_COLOUR,
                           alpha=MOTIF_ALPHA, zorder=-1)
        predicted = classes[int(first["predictions"][row])]
        ax.set_title(f"{method_name(method)}: {first['ids'][row]} (class {classes[k]}, predicted {predicted}), "
                     f"positions {window.start}-{window.stop - 1}", fontsize=8)
        ax.set_ylabel("saliency", fontsize=8)
    axes[-1, 0].set_xlabel("position")
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    if truth is not None:
        key = [Patch(color=MOTIF_COLOUR, alpha=MOTIF_ALPHA, label="planted motif (ground truth)")]
        figure.legend(handles=key, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
    return figure


def intervals(flags: np.ndarray):
    """(start, end) of each run of True."""
    padded = np.concatenate([[False], flags, [False]]).astype(np.int8)
    changes = np.flatnonzero(np.diff(padded))
    return list(zip(changes[::2], changes[1::2]))


def saliency_heatmap(panels: list[tuple[str, str, np.ndarray]], classes: list[str], title: str):
    """Mean saliency by position (columns) and class (rows): one heatmap per classifier and
    method, stacked, so that no cell of the figure is left empty. `panels` holds
    (classifier label, method, (n_classes, L) means).

    Each panel has its own colour scale, set by percentiles so that a few extreme positions
    do not flatten the rest: signed scores (gradients) on a diverging scale centred on zero
    up to the 99th percentile of |mean|; non-negative ones (attention) on a sequential scale
    from the 20th to the 99th percentile, so that the low weights at the sequence ends
    (where a feature's receptive field is cut off) do not take up the whole scale and the
    differences along the sequence and between classes show."""
    length = panels[0][2].shape[1] if panels else 1
    figure, axes = plt.subplots(len(panels), 1, squeeze=False, sharex=True,
                                figsize=(max(6.0, min(14.0, length * 0.05)), 0.5 + (0.45 + 0.2 * len(classes)) * len(panels)))
    for ax, (label, method, means) in zip(axes[:, 0], panels):
        values = means[np.isfinite(means)]
        if values.size and values.min() >= 0:
            low, high = np.percentile(values, [20, 99])
            norm, cmap, unit = dict(vmin=low, vmax=high if high > low else low + 1e-12), "viridis", "mean"
        else:
            scale = float(np.percentile(np.abs(values), 99)) if values.size else 1.0
            norm, cmap, unit = dict(vmin=-(scale or 1.0), vmax=scale or 1.0), "RdBu_r", "mean (0 = white)"
        image = ax.imshow(np.ma.masked_invalid(means), aspect="auto", cmap=cmap, interpolation="nearest", **norm)
        ax.set_yticks(range(len(classes)), classes, fontsize=7)
        ax.set_title(f"{label}: {method_name(method)}", fontsize=8, loc="left")
        bar = figure.colorbar(image, ax=ax, fraction=0.025, pad=0.01, extend="both")
        bar.ax.tick_params(labelsize=6)
        bar.set_label(unit, fontsize=6)
    axes[-1, 0].set_xlabel("position")
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure


def class_means(scores: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """(n_classes, L) mean saliency of each true class (NaN for a class with no rows)."""
    means = np.full((n_classes, scores.shape[1]), np.nan)
    for k in range(n_classes):
        if (labels == k).any():
            means[k] = scores[labels == k].mean(axis=0)
    return means
