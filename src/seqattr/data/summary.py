"""Per-dataset summary table and overview figure (class balance, GC, motif positions)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def gc_content(sequences: pd.Series) -> np.ndarray:
    upper = sequences.str.upper()
    return ((upper.str.count("G") + upper.str.count("C")) / upper.str.len().clip(lower=1)).to_numpy()


def summary_table(splits: dict[str, pd.DataFrame], classes: list[str]) -> pd.DataFrame:
    rows = []
    for split, frame in splits.items():
        for name in classes:
            part = frame[frame["label"] == name]
            lengths = part["sequence"].str.len()
            rows.append({"split": split, "class": name, "n": len(part),
                         "length_min": int(lengths.min()), "length_max": int(lengths.max()),
                         "gc_mean": round(float(gc_content(part["sequence"]).mean()), 4)})
    return pd.DataFrame(rows)


def overview_figure(splits: dict[str, pd.DataFrame], classes: list[str], motifs: pd.DataFrame | None, title: str):
    panels = 3 if motifs is not None else 2
    figure, axes = plt.subplots(1, panels, figsize=(4.2 * panels, 3.4))
    counts = pd.DataFrame({split: frame["label"].value_counts().reindex(classes, fill_value=0)
                           for split, frame in splits.items()})
    counts.plot.bar(ax=axes[0], rot=0)
    axes[0].set(title="Sequences per class", ylabel="sequences", xlabel="")
    train = splits["train"]
    length = int(train["sequence"].str.len().max())
    # GC fractions of length-L sequences are multiples of 1/L: bins of whole counts avoid
    # the comb pattern that arbitrary bin edges draw.
    step = max(1, length // 100) / length
    gc_bins = np.arange(-step / 2, 1 + step, step)
    for name in classes:
        axes[1].hist(gc_content(train["sequence"][train["label"] == name]), bins=gc_bins, alpha=0.6, label=name)
    gc_all = gc_content(train["sequence"])
    axes[1].set_xlim(np.quantile(gc_all, 0.001) - step, np.quantile(gc_all, 0.999) + step)
    axes[1].set(title="GC content (train)", xlabel="GC fraction", ylabel="sequences")
    axes[1].legend(frameon=False)
    if motifs is not None:
        for name in classes:
            part = motifs[motifs["class"] == name]
            centres = (part["start"] + part["end"]) / 2
            axes[2].hist(centres, bins=np.linspace(0, length, 41), histtype="step", linewidth=1.5,
                         label=f"{name} motifs")
        axes[2].set(title="Planted motif positions (motif centre)", xlabel="position (nt)", ylabel="motif copies")
        axes[2].set_ylim(0, axes[2].get_ylim()[1] * 1.3)
        axes[2].legend(frameon=False, loc="upper center", ncols=2, fontsize="small")
    figure.suptitle(title)
    figure.tight_layout()
    return figure
