"""Logos of the discovered patterns beside their best database match."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import logomaker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from seqattr.motifs import BASES  # noqa: E402
from seqattr.motifs.discovery import information_per_position  # noqa: E402


def information_logo(ppm: np.ndarray) -> pd.DataFrame:
    """(w, 4) letter heights in bits of a (4, w) PPM."""
    ppm = np.asarray(ppm, dtype=np.float64)
    return pd.DataFrame((ppm * information_per_position(ppm)[None, :]).T, columns=list(BASES))


def match_figure(patterns, matches: pd.DataFrame, database: dict, title: str, max_rows: int = 12):
    """One row per passed pattern (at most max_rows): its contribution-weighted logo (CWM),
    its PPM in bits, and the PPM of its best match, labelled with name, family and q."""
    best = matches[(matches["passed"].astype(bool)) & (matches["rank"] == 1)].set_index("motif")
    shown = [pattern for pattern in patterns if pattern.name in best.index][:max_rows]
    n = max(len(shown), 1)
    figure, axes = plt.subplots(n, 3, figsize=(12, 1.6 * n + 0.6), squeeze=False)
    if not shown:
        for ax in axes[0]:
            ax.axis("off")
        axes[0, 1].text(0.5, 0.5, "no pattern passed the seqlet-count and information filters",
                        ha="center", va="center")
    for row, pattern in enumerate(shown):
        match = best.loc[pattern.name]
        logomaker.Logo(pd.DataFrame(pattern.cwm.T, columns=list(BASES)), ax=axes[row, 0], color_scheme="classic")
        axes[row, 0].set_ylabel(f"{pattern.name}\nn = {pattern.n_seqlets}", fontsize=8)
        logomaker.Logo(information_logo(pattern.ppm), ax=axes[row, 1], color_scheme="classic")
        axes[row, 1].set_ylim(0, 2)
        target = database.get(match["target_id"])
        if target is not None:
            logomaker.Logo(information_logo(target.ppm), ax=axes[row, 2], color_scheme="classic")
            axes[row, 2].set_ylim(0, 2)
        axes[row, 2].set_title(f"{match['target_name']} ({match['target_id']}) {match['family']}\n"
                               f"q = {match['q_value']:.2g}", fontsize=8)
        for ax in axes[row]:
            ax.tick_params(labelsize=6)
    axes[0, 0].set_title("contribution (CWM)", fontsize=9, loc="left")
    axes[0, 1].set_title("discovered, bits", fontsize=9, loc="left")
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure
