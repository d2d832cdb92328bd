"""Figures of a positive set and its generative model: sequence logo and NLL curve."""

from __future__ import annotations

import logomaker
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from seqattr.generative.alphabet import AMINO_ACIDS  # noqa: E402
from seqattr.generative.imgt import imgt_alignment  # noqa: E402


def set_logo(sequences: list[str], name: str):
    """Sequence logo (information content per residue position) of a set of equal-length
    sequences; CDR3s of mixed lengths are placed on their IMGT positions (`generative.imgt`),
    each column's information computed over the sequences that have that position."""
    labels, xlabel = None, "residue position"
    if len({len(s) for s in sequences}) > 1:
        labels, sequences = imgt_alignment(sequences)
        xlabel = "IMGT CDR3 position (mixed lengths)"
    counts = logomaker.alignment_to_matrix(sequences, to_type="counts", characters_to_ignore="-")
    counts = counts.reindex(columns=list(AMINO_ACIDS), fill_value=0)
    info = logomaker.transform_matrix(counts, from_type="counts", to_type="information")
    info.index = info.index + 1
    figure, ax = plt.subplots(figsize=(max(4, 0.45 * len(info)), 2.6))
    logomaker.Logo(info, ax=ax, color_scheme="chemistry")
    ax.set_xticks(info.index, labels or [str(p) for p in info.index], fontsize=7,
                  rotation=90 if labels else 0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("bits")
    ax.set_title(f"{name}: {len(sequences)} sequences", fontsize=9)
    return figure


def nll_curve(history: pd.DataFrame, name: str):
    """Training and held-out NLL per epoch against the uniform-residue level."""
    figure, ax = plt.subplots(figsize=(4, 3))
    ax.plot(history.epoch, history.train_nll, label="train")
    ax.plot(history.epoch, history.val_nll, label="held out")
    ax.axhline(np.log(20), color="grey", ls=":", label="uniform over 20 residues")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
    ax.set_ylabel("NLL (nats per token)")
    ax.set_title(f"{name}: training", fontsize=9)
    ax.legend(fontsize=7)
    return figure
