"""An easy synthetic task for the classifier tests: class k carries motif k at a random place."""

import numpy as np
import torch

MOTIFS = ("ACGTACGT", "TTGGCCAA")


def easy_task(n: int = 400, length: int = 40, seed: int = 0):
    """(x float (n, 4, length), y int64 (n,), motif starts (n,))."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, size=(n, length))
    labels = np.arange(n) % 2
    starts = rng.integers(0, length - 8 + 1, size=n)
    for row in range(n):
        codes[row, starts[row]:starts[row] + 8] = ["ACGT".index(b) for b in MOTIFS[labels[row]]]
    x = np.eye(4, dtype=np.float32)[codes].transpose(0, 2, 1)
    return torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(labels.astype(np.int64)), starts
