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


def aligned_target(target_ppm: np.ndarray, offset: int, strand: str) -> pd.DataFrame:
    """A match's logo in bits as TOMTOM aligned it to the query: reverse complemented on
    strand '-', indexed so that the query's column 0 is position 0 (the target's column
    `offset` of that strand sits there)."""
    ppm = np.asarray(target_ppm, dtype=np.float64)
    if strand == "-":
        ppm = ppm[::-1, ::-1]
    logo = information_logo(ppm)
    logo.index = np.arange(ppm.shape[1]) - int(offset)
    return logo


def match_figure(patterns, matches: pd.DataFrame, database: dict, title: str, max_rows: int = 12):
    """One row per passed pattern (at most max_rows): its contribution-weighted logo (CWM),
    its PPM in bits, and the PPM of its best match aligned to it by TOMTOM's offset and
    strand (reverse complemented where TOMTOM's best alignment is to the minus strand),
    labelled with name, family, strand and q."""
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
        span = (-0.5, pattern.ppm.shape[1] - 0.5)
        if target is not None:
            aligned = aligned_target(target.ppm, match["offset"], match["strand"])
            logomaker.Logo(aligned, ax=axes[row, 2], color_scheme="classic")
            axes[row, 2].set_ylim(0, 2)
            span = (min(span[0], aligned.index[0] - 0.5), max(span[1], aligned.index[-1] + 0.5))
        # The pattern and its match on one scale of positions: column for column as TOMTOM aligned them.
        for ax in axes[row]:
            ax.set_xlim(*span)
        orientation = "reverse complement" if match["strand"] == "-" else "as in the database"
        axes[row, 2].set_title(f"{match['target_name']} ({match['target_id']}) {match['family']}, {orientation}\n"
                               f"q = {match['q_value']:.2g}", fontsize=8)
        for ax in axes[row]:
            ax.tick_params(labelsize=6)
    axes[0, 0].set_title("contribution (CWM)", fontsize=9, loc="left")
    axes[0, 1].set_title("discovered, bits", fontsize=9, loc="left")
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure
