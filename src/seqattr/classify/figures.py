"""Figures of the classification sweep: learning curves and accuracy vs mask ratio."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from seqattr.names import model_name, ratio_text  # noqa: E402


CNN_COLOUR = "black"


def plot_learning_curves(histories: pd.DataFrame):
    """Validation loss and accuracy (%) per epoch: mean over seeds, band = min to max over seeds.

    `histories`: the training histories of every classifier, stacked, with columns
    dataset, model, mask_ratio and seed saying whose each row is.
    """
    datasets = list(dict.fromkeys(histories["dataset"]))
    fig, axes = plt.subplots(2, len(datasets), figsize=(5.5 * len(datasets), 7), squeeze=False, sharex="col")
    series = histories.groupby(["dataset", "model", "mask_ratio"], sort=False)
    ratios = sorted({r for m, r in zip(histories["model"], histories["mask_ratio"]) if m != "cnn"}, key=float)
    cmap = plt.get_cmap("viridis", max(len(ratios), 1) + 1)
    for (dataset, model, ratio), frame in series:
        column = datasets.index(dataset)
        colour = CNN_COLOUR if model == "cnn" else cmap(ratios.index(ratio))
        frame = frame.assign(val_accuracy=100 * frame["val_accuracy"])
        stats = frame.groupby("epoch")[["val_loss", "val_accuracy"]].agg(["mean", "min", "max"])
        for row, metric in enumerate(("val_loss", "val_accuracy")):
            ax = axes[row, column]
            ax.plot(stats.index, stats[(metric, "mean")], color=colour, marker="o", markersize=3,
                    linestyle="--" if model == "cnn" else "-", label=model_name(model, ratio))
            ax.fill_between(stats.index, stats[(metric, "min")], stats[(metric, "max")], color=colour, alpha=0.15)
    n_seeds = histories.groupby(["dataset", "model", "mask_ratio"])["seed"].nunique().max()
    for column, dataset in enumerate(datasets):
        axes[0, column].set_title(f"{dataset} ({n_seeds} seed{'s' if n_seeds > 1 else ''})")
        axes[0, column].set_ylabel("validation loss")
        axes[1, column].set_ylabel("validation accuracy (%)")
        axes[1, column].set_xlabel("epoch")
        axes[1, column].xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    title = "mean over seeds; band: min to max" if n_seeds > 1 else None
    axes[0, -1].legend(fontsize=8, title=title, title_fontsize=8)
    return fig


def plot_accuracy_vs_ratio(metrics: pd.DataFrame, split: str = "test"):
    """AttnGen test accuracy (%) per mask ratio (mean, error bar = SD over seeds) and the
    CNN's mean as a reference line (band = its min to max over seeds).

    The x ticks are the ratios trained, so one ratio gives one readable tick."""
    metrics = metrics[metrics["split"] == split]
    datasets = list(dict.fromkeys(metrics["dataset"]))
    fig, axes = plt.subplots(1, len(datasets), figsize=(5.5 * len(datasets), 4), squeeze=False)
    for ax, dataset in zip(axes[0], datasets):
        frame = metrics[metrics["dataset"] == dataset]
        attngen = frame[frame["model"] == "attngen"].assign(ratio=lambda f: f["mask_ratio"].astype(float))
        if len(attngen):
            stats = attngen.groupby("ratio")["accuracy"].agg(["mean", "std", "count"]).fillna(0.0)
            seeds = int(stats["count"].max())
            ax.errorbar(stats.index, 100 * stats["mean"], yerr=100 * stats["std"], marker="o", capsize=3,
                        label=f"AttnGen (mean ± SD over {seeds} seeds)" if seeds > 1 else "AttnGen (1 seed)")
            ratios = list(stats.index)
            pad = max(0.05, 0.08 * (max(ratios) - min(ratios)))
            ax.set_xticks(ratios, [ratio_text(r) for r in ratios])
            ax.set_xlim(min(ratios) - pad, max(ratios) + pad)
        cnn = frame[frame["model"] == "cnn"]["accuracy"]
        if len(cnn):
            several = cnn.size > 1
            ax.axhline(100 * cnn.mean(), color=CNN_COLOUR, linestyle="--",
                       label="CNN (mean; band: min to max over seeds)" if several else "CNN (1 seed)")
            if several:
                ax.axhspan(100 * cnn.min(), 100 * cnn.max(), color=CNN_COLOUR, alpha=0.1)
        ax.set_title(dataset)
        ax.set_xlabel("mask ratio r")
        ax.set_ylabel(f"{split} accuracy (%)")
        ax.legend(fontsize=8)
    return fig


def plot_comparison(comparison: pd.DataFrame, metrics: pd.DataFrame):
    """The paper's first two claims, one row of panels per dataset: AttnGen's test accuracy
    minus the CNN's per ratio (point: mean over seeds; bar: the paired bootstrap interval
    over test sequences; dots: each seed against the CNN of the same seed), the epochs to
    the best validation loss (dots: seeds; hollow: the epoch cap ended training), and the
    SD of validation accuracy over seeds."""
    datasets = list(dict.fromkeys(comparison["dataset"]))
    fig, axes = plt.subplots(len(datasets), 3, figsize=(15, 3.8 * len(datasets)), squeeze=False)
    metrics = metrics.assign(mask_ratio=metrics["mask_ratio"].astype(str))
    for row, dataset in enumerate(datasets):
        table = comparison[comparison["dataset"] == dataset].reset_index(drop=True)
        test = metrics[(metrics["dataset"] == dataset) & (metrics["split"] == "test")]
        labels = [model_name(m, r) for m, r in zip(table["model"], table["mask_ratio"])]
        x = range(len(table))
        difference_panel(axes[row, 0], table, test, labels)
        ax = axes[row, 1]
        for k, (model, ratio) in enumerate(zip(table["model"], table["mask_ratio"])):
            runs = test[(test["model"] == model) & (test["mask_ratio"].astype(float) == float(ratio))]
            early = runs["stopped_early"].astype(bool)
            ax.scatter([k] * int(early.sum()), runs.loc[early, "best_epoch"], color="tab:blue", zorder=3,
                       label="seed (early stopping ended it)" if k == 0 else None)
            ax.scatter([k] * int((~early).sum()), runs.loc[~early, "best_epoch"], facecolors="none",
                       edgecolors="tab:red", zorder=3, label="seed (the epoch cap ended it)")
        ax.errorbar(x, table["best_epoch_mean"], yerr=table["best_epoch_sd"].fillna(0), fmt="_", color="black",
                    markersize=14, capsize=3, label="mean ± SD")
        ax.set_ylabel("epochs to the best validation loss")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax = axes[row, 2]
        ax.bar(x, 100 * table["val_accuracy_sd"].fillna(0), color=["0.4" if m == "cnn" else "tab:blue"
                                                                    for m in table["model"]])
        ax.set_ylabel("SD of validation accuracy over seeds (points)")
        for ax in axes[row]:
            ax.set_xticks(list(x), labels, rotation=30, ha="right", fontsize=8)
        axes[row, 0].set_title(f"{dataset}: accuracy vs the CNN", fontsize=10)
        axes[row, 1].set_title("convergence (lower: faster)", fontsize=10)
        axes[row, 2].set_title("stability (lower: more stable)", fontsize=10)
        handles = dict(zip(*reversed(axes[row, 1].get_legend_handles_labels())))
        axes[row, 1].legend(list(handles.values()), list(handles.keys()), fontsize=7)
    fig.tight_layout()
    return fig


def difference_panel(ax, table: pd.DataFrame, test: pd.DataFrame, labels: list[str]) -> None:
    """Test accuracy minus the CNN's, in points: mean, paired bootstrap interval, seed dots."""
    cnn = test[test["model"] == "cnn"].set_index("seed")["accuracy"]
    for k, (model, ratio) in enumerate(zip(table["model"], table["mask_ratio"])):
        runs = test[(test["model"] == model) & (test["mask_ratio"].astype(float) == float(ratio))].set_index("seed")
        paired = (runs["accuracy"] - cnn).dropna()
        ax.scatter([k] * len(paired), 100 * paired, color="0.6", s=12, zorder=2,
                   label="seed minus the CNN of that seed" if k == 0 else None)
    low = 100 * (table["difference_vs_cnn"] - table["difference_ci_low"])
    high = 100 * (table["difference_ci_high"] - table["difference_vs_cnn"])
    ax.errorbar(range(len(table)), 100 * table["difference_vs_cnn"], yerr=[low.fillna(0), high.fillna(0)],
                fmt="o", color="tab:blue", capsize=3, zorder=3, label="mean over seeds, 95% bootstrap interval")
    ax.axhline(0, color=CNN_COLOUR, linestyle="--", linewidth=1)
    ax.set_ylabel("test accuracy minus the CNN's (points)")
    ax.legend(fontsize=7)
