"""The model's information at each residue position: the conservation term of `null_spread_information`.

For residue position p (1-based), over the attributed sequences n:

    information(p) = mean_n [ ln p_model(r_p | r_1..r_(p-1)) ] + ln 20      (nats)

how much better than uniform residues the trained model predicts the residue it sees there.
It is the quantity the log-probability readout's IG splits across the inputs (by IG's
completeness, output p - 1's attributions sum to ln p_model(r_p | ...) minus its value at
the baseline), read before it is split. A conserved position (the paper's AND at SNR 1.0:
every sequence carries the motif) has information near ln 20 and no IG spread in either
the trained or the null model, which is why `null_spread` alone cannot see it; a position
the model predicts as uniform has information near 0.

`logo_information` is the same quantity without a model: the set's own residue
frequencies per position (a sequence logo), the baseline a model-based scoring is judged
against.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from seqattr.generative.lstm import GenerativeLSTM

N_RESIDUES = 20
RESIDUES = np.array(list("ACDEFGHIKLMNPQRSTVWY"))


@torch.no_grad()
def information_profile(model: GenerativeLSTM, tokens: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """(L,) float64: the mean log-probability of the observed residue at each residue
    position, over `tokens` (N, L + 2) rows [START, r_1..r_L, END], plus ln 20."""
    if tokens.ndim != 2 or tokens.shape[1] < 3:
        raise ValueError(f"expected token rows (N, L + 2) with L >= 1, got shape {tuple(tokens.shape)}")
    if tokens.shape[0] == 0:
        raise ValueError("information_profile needs at least one sequence")
    device = next(model.parameters()).device
    total = torch.zeros(tokens.shape[1] - 2, dtype=torch.float64)
    for start in range(0, tokens.shape[0], batch_size):
        rows = tokens[start : start + batch_size].to(device)
        log_probs = torch.log_softmax(model(rows[:, :-2]).double(), dim=-1)  # outputs 0..L-1 predict r_1..r_L
        observed = log_probs.gather(-1, rows[:, 1:-1, None]).squeeze(-1)
        total += observed.sum(dim=0).cpu()
    return total / tokens.shape[0] + math.log(N_RESIDUES)


def logo_information(sequences: list[str]) -> np.ndarray:
    """(L,) ln 20 - H(f_p) of the residue frequencies f_p at each position of `sequences`
    (all of one length), in nats: the height of a sequence logo's column."""
    columns = np.array([list(s) for s in sequences])
    counts = (columns[:, :, None] == RESIDUES[None, None, :]).sum(axis=0)  # (L, 20)
    frequencies = counts / counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.nansum(np.where(frequencies > 0, frequencies * np.log(frequencies), 0.0), axis=1)
    return math.log(N_RESIDUES) - entropy
