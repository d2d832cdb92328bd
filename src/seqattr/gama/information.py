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

`gama_validation.model_free.logo_information` is the same quantity without a model: the
set's own residue frequencies per position (a sequence logo), the baseline a model-based
scoring is judged against.

**Background.** Against uniform residues, information is high wherever the repertoire is
conserved for reasons of its own: germline-encoded CDR3 ends, a library's designed
positions. With a background q (`gama.information_background`: the set's non-binders, or
a reference set) it is measured against that instead:

    information(p) = mean_n [ ln p_model(r_p | r_1..r_(p-1)) - ln q_p(r_p) ]      (nats)

q_p is the background's residue frequency at the aligned column of p (the residue
position for a set of one length; the IMGT CDR3 position for CDR3s, so a stratum's
position p reads the background at `imgt_positions(L)[p - 1]` over every length that
has it), with `columns.PSEUDOCOUNT` (0.5) added to every residue's count: a residue the
background never shows there is rare, not impossible, and a column the background does
not have at all is uniform, 1/20 (the uniform baseline there). Uniform q = 1/20 gives
the formula above.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch

from seqattr.gama.columns import N_RESIDUES, PSEUDOCOUNT, RESIDUES, columns_of, frequencies, one_hot
from seqattr.generative.lstm import GenerativeLSTM



def _check_tokens(tokens: torch.Tensor) -> None:
    if tokens.ndim != 2 or tokens.shape[1] < 3:
        raise ValueError(f"expected token rows (N, L + 2) with L >= 1, got shape {tuple(tokens.shape)}")
    if tokens.shape[0] == 0:
        raise ValueError("information_profile needs at least one sequence")


def _observed_batches(model: GenerativeLSTM, tokens: torch.Tensor, batch_size: int):
    """(N_batch, L) float64 log-probabilities of each batch's observed residues."""
    device = next(model.parameters()).device
    for start in range(0, tokens.shape[0], batch_size):
        rows = tokens[start : start + batch_size].to(device)
        log_probs = torch.log_softmax(model(rows[:, :-2]).double(), dim=-1)  # outputs 0..L-1 predict r_1..r_L
        yield log_probs.gather(-1, rows[:, 1:-1, None]).squeeze(-1).cpu()


@torch.no_grad()
def information_profile(model: GenerativeLSTM, tokens: torch.Tensor, batch_size: int = 1024,
                        background: torch.Tensor | None = None) -> torch.Tensor:
    """(L,) float64: the mean log-probability of the observed residue at each residue
    position, over `tokens` (N, L + 2) rows [START, r_1..r_L, END], plus ln 20; with
    `background` (L, 20) residue frequencies per position (`stratum_background`), minus
    the mean log-frequency of the observed residues under it instead."""
    _check_tokens(tokens)
    total = torch.zeros(tokens.shape[1] - 2, dtype=torch.float64)
    for observed in _observed_batches(model, tokens, batch_size):
        total += observed.sum(dim=0)
    if background is None:
        return total / tokens.shape[0] + math.log(N_RESIDUES)
    return (total - background_log_probs(tokens, background).sum(dim=0)) / tokens.shape[0]


@torch.no_grad()
def sequence_information(model: GenerativeLSTM, tokens: torch.Tensor, batch_size: int = 1024,
                         background: torch.Tensor | None = None) -> torch.Tensor:
    """(N, L) float64: each sequence's terms of `information_profile` (ln p_model(r_p | ...)
    plus ln 20, or minus ln q_p(r_p)), whose mean over sequences is the profile: what a
    bootstrap over sequences resamples."""
    _check_tokens(tokens)
    observed = torch.cat(list(_observed_batches(model, tokens, batch_size)))
    if background is None:
        return observed + math.log(N_RESIDUES)
    return observed - background_log_probs(tokens, background)


def background_log_probs(tokens: torch.Tensor, background: torch.Tensor) -> torch.Tensor:
    """(N, L) ln q_p(r_p) of each observed residue under `background` (L, 20) frequencies
    in `alphabet.AMINO_ACIDS` order (residue token t is column t - 1)."""
    residues = tokens[:, 1:-1] - 1
    if background.shape != (residues.shape[1], N_RESIDUES):
        raise ValueError(f"a background of shape {tuple(background.shape)} for {residues.shape[1]} positions "
                         f"(expected ({residues.shape[1]}, {N_RESIDUES}))")
    if bool((residues < 0).any()) or bool((residues >= N_RESIDUES).any()):
        raise ValueError("token rows with START or END inside the residues")
    log_q = torch.log(background.double())
    return log_q.gather(1, residues.T.cpu()).T


def background_table(sequences, imgt: bool) -> pd.DataFrame:
    """The background's residue frequencies per aligned column: column (residue position
    "1".."L" for one length, IMGT CDR3 position when `imgt`), residue, count, frequency
    (count + `columns.PSEUDOCOUNT`, normalised over the 20 residues)."""
    labels, aligned = columns_of(list(sequences), imgt)
    counts = one_hot(aligned, len(labels)).sum(axis=0)  # (C, 20)
    return pd.DataFrame({"column": np.repeat(labels, N_RESIDUES), "residue": np.tile(RESIDUES, len(labels)),
                         "count": counts.ravel(), "frequency": frequencies(counts, PSEUDOCOUNT).ravel()})


def stratum_background(table: pd.DataFrame, columns: list[str]) -> torch.Tensor:
    """(len(columns), 20) frequencies of `background_table` at the given columns (one
    stratum's positions, as labels), in residue order; a column the table lacks is
    uniform (1/20)."""
    frequency = table.assign(column=table["column"].astype(str)).pivot(index="column", columns="residue",
                                                                          values="frequency")
    frequency = frequency.reindex(index=[str(c) for c in columns], columns=list(RESIDUES))
    return torch.tensor(frequency.fillna(1 / N_RESIDUES).to_numpy(dtype=float))
