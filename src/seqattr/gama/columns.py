"""A set's sequences over aligned columns: residue positions of one length, or IMGT CDR3
positions of mixed lengths (`generative.imgt`), one-hot, and residue frequencies per
column with a pseudocount. The information baseline's background reads them, and so do
the non-binder truths of the validation (`gama_validation.negatives`)."""

from __future__ import annotations

import numpy as np

from seqattr.generative.alphabet import AMINO_ACIDS
from seqattr.generative.imgt import imgt_alignment

PSEUDOCOUNT = 0.5
N_RESIDUES = 20
RESIDUES = np.array(list("ACDEFGHIKLMNPQRSTVWY"))
INDEX = {residue: i for i, residue in enumerate(AMINO_ACIDS)}


def columns_of(sequences, imgt: bool) -> tuple[list[str], list[str]]:
    """(column labels, sequences written over them with '-' where absent): residue positions
    "1".."L" for one length without IMGT, else IMGT CDR3 positions."""
    sequences = list(sequences)
    if imgt:
        return imgt_alignment(sequences)
    lengths = {len(s) for s in sequences}
    if len(lengths) != 1:
        raise ValueError(f"sequences of lengths {sorted(lengths)} need IMGT columns (imgt=True)")
    return [str(p) for p in range(1, lengths.pop() + 1)], sequences


def one_hot(aligned: list[str], n_columns: int) -> np.ndarray:
    """(N, C, 20) uint8; '-' is all zeros."""
    codes = np.full((len(aligned), n_columns), -1, dtype=np.int64)
    for i, row in enumerate(aligned):
        codes[i] = [INDEX.get(ch, -1) for ch in row]
    return (codes[:, :, None] == np.arange(len(AMINO_ACIDS))[None, None, :]).astype(np.uint8)


def frequencies(counts: np.ndarray, pseudocount: float = PSEUDOCOUNT) -> np.ndarray:
    """(C, 20) residue frequencies from counts (C, 20) with a pseudocount per residue."""
    counts = counts + pseudocount
    return counts / counts.sum(axis=1, keepdims=True)
