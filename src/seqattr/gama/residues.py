"""Residue-level views of a generative model: IG per position x residue, and a model
"deep mutational scan".

- `residue_map`: each attributed sequence's IG at input position p summed over the outputs
  that read it (residue p's whole contribution as a predictor), averaged over the
  sequences that carry residue r at p, for the trained and the initial model and their
  difference (what training added: GAMA's contrast, per residue).
- `mutational_scan`: for every single substitution of every attributed sequence, the
  change in the model's log-likelihood of the whole sequence (END included), averaged
  per position x substituted residue: how much the model prefers r at p over what the
  binders carry there. Compared with the binder/non-binder log-odds by `cell_agreement`.

Columns are residue positions ("1".."L") for one length, IMGT CDR3 positions for CDR3 sets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from scipy import stats

from seqattr.generative.alphabet import AMINO_ACIDS, tokenize_padded
from seqattr.generative.imgt import imgt_positions
from seqattr.generative.lstm import GenerativeLSTM


def column_labels(length: int, imgt: bool) -> list[str]:
    if imgt:
        return list(imgt_positions(length))
    return [str(p) for p in range(1, length + 1)]


def input_contributions(ig: torch.Tensor) -> torch.Tensor:
    """(N, L): each residue input's IG summed over the outputs j = p..L that read it and that
    training fits (the output after END left out), from an IG tensor (N, L + 2, L + 2)."""
    length = ig.shape[1] - 2
    return ig[:, : length + 1, 1: length + 1].double().sum(dim=1)


def residue_map(ig_trained: torch.Tensor, ig_initial: torch.Tensor, tokens: torch.Tensor,
                imgt: bool) -> pd.DataFrame:
    """Long table column, residue, ig_trained, ig_initial, difference, n (sequences with that
    residue there) for one length stratum (tokens (N, L + 2))."""
    length = tokens.shape[1] - 2
    residues = tokens[:, 1: length + 1].numpy() - 1  # 0..19
    labels = column_labels(length, imgt)
    frame = pd.DataFrame({"column": np.tile(labels, len(residues)),
                          "residue": np.array(list(AMINO_ACIDS))[residues.ravel()],
                          "ig_trained": input_contributions(ig_trained).numpy().ravel(),
                          "ig_initial": input_contributions(ig_initial).numpy().ravel()})
    return frame


def summarise_residue_map(frame: pd.DataFrame, keys=()) -> pd.DataFrame:
    """Means per (keys, column, residue) of the long per-sequence table, and n."""
    grouped = (frame.groupby(list(keys) + ["column", "residue"], sort=False)
               .agg(ig_trained=("ig_trained", "mean"), ig_initial=("ig_initial", "mean"), n=("ig_trained", "size"))
               .reset_index())
    return grouped.assign(difference=grouped["ig_trained"] - grouped["ig_initial"])


@torch.no_grad()
def sequence_log_likelihood(model: GenerativeLSTM, tokens: torch.Tensor, batch_size: int = 4096) -> torch.Tensor:
    """(N,) the model's log-likelihood (nats) of each equal-length token row [START, r.., END]."""
    totals = []
    for start in range(0, len(tokens), batch_size):
        rows = tokens[start: start + batch_size]
        log_probs = torch.log_softmax(model(rows[:, :-1]).double(), dim=-1)
        totals.append(log_probs.gather(-1, rows[:, 1:, None]).squeeze(-1).sum(dim=1))
    return torch.cat(totals)


@torch.no_grad()
def mutational_scan(model: GenerativeLSTM, sequences: list[str], imgt: bool,
                    batch_size: int = 4096) -> pd.DataFrame:
    """column, residue, delta_ll (mean over the sequences of ll(mutant) - ll(sequence) for the
    substitution to `residue` at that column; 0 where the sequence already has it is left
    out), n. Sequences of several lengths are scanned per length."""
    rows = []
    for length in sorted({len(s) for s in sequences}):
        group = [s for s in sequences if len(s) == length]
        tokens, _ = tokenize_padded(group)
        wild = sequence_log_likelihood(model, tokens, batch_size)
        labels = column_labels(length, imgt)
        total = np.zeros((length, len(AMINO_ACIDS)))
        count = np.zeros((length, len(AMINO_ACIDS)))
        for p in range(1, length + 1):
            for r in range(len(AMINO_ACIDS)):
                token = r + 1
                differs = tokens[:, p] != token
                if not differs.any():
                    continue
                mutants = tokens[differs].clone()
                mutants[:, p] = token
                delta = sequence_log_likelihood(model, mutants, batch_size) - wild[differs]
                total[p - 1, r] += float(delta.sum())
                count[p - 1, r] += int(differs.sum())
        rows.append(pd.DataFrame({"column": np.repeat(labels, len(AMINO_ACIDS)),
                                  "residue": np.tile(list(AMINO_ACIDS), length),
                                  "_total": total.ravel(), "n": count.ravel().astype(int)}))
    frame = pd.concat(rows, ignore_index=True).groupby(["column", "residue"], sort=False).sum().reset_index()
    frame["delta_ll"] = np.where(frame["n"] > 0, frame["_total"] / frame["n"].where(frame["n"] > 0, 1), np.nan)
    return frame[["column", "residue", "delta_ll", "n"]]


def cell_agreement(values: pd.DataFrame, value: str, truth: pd.DataFrame, truth_value: str = "log_odds") -> dict:
    """Spearman rho over the (column, residue) cells both tables define, and how many."""
    joined = values.merge(truth, on=["column", "residue"])
    joined = joined[np.isfinite(joined[value]) & np.isfinite(joined[truth_value])]
    if len(joined) < 3:
        return {"spearman_rho": float("nan"), "spearman_p": float("nan"), "n_cells": len(joined)}
    result = stats.spearmanr(joined[value], joined[truth_value])
    return {"spearman_rho": float(result.statistic), "spearman_p": float(result.pvalue), "n_cells": len(joined)}



def replicates_residue_map(maps: list[pd.DataFrame]) -> pd.DataFrame:
    """The residue map over replicates from per-replicate `residue_map` frames (with mode,
    readout, replicate): per (mode, readout, column, residue) the mean IG of the trained
    and initial model, the mean difference and its sd over replicates, and n."""
    per_replicate = summarise_residue_map(pd.concat(maps, ignore_index=True), ["mode", "readout", "replicate"])
    keys = ["mode", "readout", "column", "residue"]
    return (per_replicate.groupby(keys, sort=False)
            .agg(ig_trained=("ig_trained", "mean"), ig_initial=("ig_initial", "mean"),
                 difference=("difference", "mean"), difference_sd=("difference", "std"), n=("n", "first"))
            .reset_index())


def replicates_scan(scans: list[pd.DataFrame]) -> pd.DataFrame:
    """The mutational scan over replicates (`mutational_scan` frames with a replicate
    column): per (column, residue) the mean delta_ll, its sd over replicates, and n."""
    return (pd.concat(scans, ignore_index=True).groupby(["column", "residue"], sort=False)
            .agg(delta_ll=("delta_ll", "mean"), delta_ll_sd=("delta_ll", "std"), n=("n", "first")).reset_index())


AGREEMENT_COLUMNS = ["view", "mode", "readout", "spearman_rho", "spearman_p", "n_cells"]


def agreement_rows(scan: pd.DataFrame, residues: pd.DataFrame, truth: pd.DataFrame) -> list[dict]:
    """`cell_agreement` with the binder/non-binder log-odds `truth` of the mutational scan
    and of each (mode, readout)'s IG difference: one row each (AGREEMENT_COLUMNS)."""
    rows = [{"view": "mutational_scan", "mode": "", "readout": "", **cell_agreement(scan, "delta_ll", truth)}]
    for (mode, readout), part in residues.groupby(["mode", "readout"], sort=False):
        rows.append({"view": "ig_difference", "mode": mode, "readout": readout,
                     **cell_agreement(part, "difference", truth)})
    return rows
