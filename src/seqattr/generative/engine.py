"""Batched teacher-forcing training with a masked loss, Adam, held-out NLL and early stopping.

The paper trains one sequence at a time for a fixed 3,000 epochs (lr 8e-5); here sequences
are batched (END-padded, padding masked out of the loss) and training stops when the
held-out NLL has not improved by `min_delta` for `patience` epochs; the best epoch's
weights are kept.
"""

from __future__ import annotations

import copy
import logging
import time

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from seqattr.schema import schema_defaults
from seqattr.data.hygiene import grouped_held_out
from seqattr.generative.alphabet import tokenize_padded
from seqattr.generative.lstm import GenerativeLSTM
from seqattr.runtime import resolve_device, seed_everything

log = logging.getLogger(__name__)

def training_defaults() -> dict:
    """The defaults of the config's `generative.model` and `generative.training` (the seed
    aside), read from the schema, the one place they are written: what `train_lstm` fills
    in for a key its caller leaves out."""
    defaults = {**schema_defaults("generative.model"), **schema_defaults("generative.training")}
    defaults.pop("seed", None)
    return defaults


def mean_nll(model: GenerativeLSTM, tokens: torch.Tensor, lengths: torch.Tensor, batch_size: int = 1024,
             weights: torch.Tensor | None = None) -> float:
    """Mean NLL per predicted token (nats), END included; weighted by `weights` (N,) when given."""
    total, count = 0.0, 0.0
    with torch.no_grad():
        for start in range(0, len(tokens), batch_size):
            rows = slice(start, start + batch_size)
            nll, n = model.token_nll(tokens[rows], lengths[rows], None if weights is None else weights[rows])
            total += float(nll)
            count += float(n)
    return total / max(count, 1)


def training_settings(model: dict, training: dict, overrides: dict | None = None) -> dict:
    """The one merge of the config's `generative.model` and `generative.training` (minus
    its seed, which each caller sets) with a caller's overrides (the GAMA grid's `train`):
    the dict `train_lstm` takes."""
    return {**model, **{k: v for k, v in training.items() if k != "seed"}, **(overrides or {})}


def train_lstm(sequences: list[str], config: dict, seed: int, true_nll=None, weights=None):
    """Train a GenerativeLSTM on `sequences`; returns (initial_model, trained_model, history).

    config keys (defaults from the schema, `training_defaults`): hidden_size, dropout,
    max_epochs, batch_size, learning_rate, weight_decay, validation_fraction, patience,
    min_delta, tolerance, device (auto: CUDA when present). history has one row per epoch:
    epoch, train_nll (the mean over the epoch's batches, as they were trained), val_nll
    (mean nats per token), seconds. Both models are returned on the CPU, in eval mode.

    Regularisation: `dropout` > 0 drops LSTM outputs before the linear layer while training
    (`GenerativeLSTM`); the epoch's running train_nll then includes that noise, so history
    also has train_nll_eval, the training split's NLL in eval mode, measured as val_nll is.
    `weight_decay` > 0 trains with AdamW (decoupled weight decay, Loshchilov and Hutter
    2019: every step shrinks every trainable weight, biases included, by lr x weight_decay)
    instead of Adam; Adam's own `weight_decay` adds an L2 gradient that its per-weight step
    sizes then rescale, so it regularises weights with small gradients hardly at all. At
    0 and 0 training is Adam without dropout, as before the two keys existed.

    `true_nll` (synthetic sets): each sequence's NLL per token under its generator
    (`entropy.true_token_nll`). Then history also has true_val_nll (what a perfect model
    scores on the held-out sequences) and excess_nll = val_nll - true_val_nll, and training
    stops at the first epoch whose excess is at most `tolerance` (converged); without it,
    only patience stops training.

    `weights` (one per sequence, e.g. the counts of collapsed duplicates): every NLL, the
    loss, the train and the held-out NLL, is the weighted mean per token, as if each
    sequence were read that many times (without repeating it in the held-out split).
    """
    settings = {**training_defaults(), **{k: v for k, v in config.items() if v is not None}}
    seed_everything(seed)
    device = resolve_device(settings["device"])
    model = GenerativeLSTM(settings["hidden_size"], dropout=settings["dropout"])
    initial = copy.deepcopy(model).eval()
    model.to(device)

    tokens, lengths = (tensor.to(device) for tensor in tokenize_padded(sequences))
    generator = torch.Generator().manual_seed(seed)
    # Copies of one sequence stay on one side of the held-out split: a held-out copy of a
    # training sequence would let early stopping watch training data.
    order, n_val = grouped_held_out(sequences, settings["validation_fraction"], generator)
    order = torch.as_tensor(order, dtype=torch.long).to(device)
    val_idx, train_idx = order[:n_val], order[n_val:]
    val_tokens, val_lengths = tokens[val_idx], lengths[val_idx]
    if weights is not None:
        weights = torch.as_tensor(np.asarray(weights, dtype=float), dtype=torch.float32).to(device)
        if weights.shape != (len(tokens),) or bool((weights <= 0).any()):
            raise ValueError(f"weights: one positive number per sequence ({len(tokens)}), got {tuple(weights.shape)}")
    val_weights = weights[val_idx] if weights is not None else None
    true_val_nll = None
    if true_nll is not None and n_val:
        # Token-weighted like mean_nll, so equal to it for a model that is the generator.
        per_sequence, counts = np.asarray(true_nll, dtype=float), (lengths - 1).cpu().numpy()
        held_out = val_idx.cpu().numpy()
        true_val_nll = float((per_sequence[held_out] * counts[held_out]).sum() / counts[held_out].sum())

    optimizer = make_optimizer(model, settings["learning_rate"], settings["weight_decay"])
    train_weights = weights[train_idx] if weights is not None else None
    best_state, best_val, stale = copy.deepcopy(model.state_dict()), float("inf"), 0
    rows = []
    for epoch in tqdm(range(1, settings["max_epochs"] + 1), desc="epochs", mininterval=5):
        started = time.perf_counter()
        model.train()
        permutation = train_idx[torch.randperm(len(train_idx), generator=generator).to(device)]
        total, count = 0.0, 0.0
        for start in range(0, len(permutation), settings["batch_size"]):
            batch = permutation[start:start + settings["batch_size"]]
            optimizer.zero_grad(set_to_none=True)
            nll, n = model.token_nll(tokens[batch], lengths[batch], None if weights is None else weights[batch])
            (nll / n).backward()
            optimizer.step()
            total += float(nll.detach())
            count += float(n)
        model.eval()
        train_nll = total / max(count, 1)
        val_nll = mean_nll(model, val_tokens, val_lengths, weights=val_weights) if n_val else train_nll
        seconds = time.perf_counter() - started
        row = {"epoch": epoch, "train_nll": train_nll, "val_nll": val_nll}
        if settings["dropout"] > 0:
            row["train_nll_eval"] = mean_nll(model, tokens[train_idx], lengths[train_idx], weights=train_weights)
        if true_val_nll is not None:
            row.update(true_val_nll=true_val_nll, excess_nll=val_nll - true_val_nll)
        rows.append({**row, "seconds": seconds})
        log.info("epoch %d: train NLL %.4f, validation NLL %.4f%s (%.1f s)", epoch, train_nll, val_nll,
                 f", excess over the generator {val_nll - true_val_nll:.4f}" if true_val_nll is not None else "",
                 seconds)
        if val_nll < best_val - settings["min_delta"]:
            best_val, best_state, stale = val_nll, copy.deepcopy(model.state_dict()), 0
            if true_val_nll is not None and val_nll - true_val_nll <= settings["tolerance"]:
                log.info("converged after epoch %d: held-out NLL within %g of the entropy floor", epoch,
                         settings["tolerance"])
                break
        else:
            stale += 1
            if stale >= settings["patience"]:
                log.info("early stop after epoch %d: no improvement for %d epochs", epoch, stale)
                break
    model.load_state_dict(best_state)
    return initial, model.cpu(), pd.DataFrame(rows)


def make_optimizer(model: GenerativeLSTM, learning_rate: float, weight_decay: float = 0.0) -> torch.optim.Optimizer:
    """Adam over the trainable weights; AdamW (decoupled weight decay) when `weight_decay` > 0."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    if weight_decay > 0:
        return torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=weight_decay)
    return torch.optim.Adam(trainable, lr=learning_rate)


def kept_epoch(history: pd.DataFrame, patience: int, min_delta: float = 0.0, tolerance: float | None = None) -> dict:
    """Replay `train_lstm`'s stopping rule on a history: which epoch's weights were kept and
    whether the run met its convergence criterion.

    criterion "entropy_floor" (the history has excess_nll: a synthetic set, whose floor is
    known): converged when the kept model's held-out NLL is within `tolerance` of the floor.
    criterion "plateau" (real sets, no known floor): converged when the held-out NLL did
    not improve on its best by more than `min_delta` nats per token for `patience`
    consecutive epochs (the run stopped on the plateau); a run that used up max_epochs
    while still improving is not converged. Returns criterion, converged, epoch (kept),
    epochs (run), train_nll and val_nll (nats per token, kept epoch), excess_nll (NaN
    without a floor) and nll_gap = val_nll - train NLL at the kept epoch (the overfitting
    measure; the train NLL in eval mode, train_nll_eval, where the history has it: a model
    trained with dropout).
    """
    best, best_row, stale, plateau = float("inf"), None, 0, False
    for row in history.itertuples(index=False):
        if row.val_nll < best - min_delta:
            best, best_row, stale = row.val_nll, row, 0
        else:
            stale += 1
            if stale >= patience:
                plateau = True
                break
    if best_row is None:
        raise ValueError("an empty training history")
    floor = "excess_nll" in history.columns
    excess = float(best_row.excess_nll) if floor else float("nan")
    train = float(best_row.train_nll_eval) if "train_nll_eval" in history.columns else float(best_row.train_nll)
    return {"criterion": "entropy_floor" if floor else "plateau",
            "converged": bool(excess <= tolerance) if floor else plateau,
            "epoch": int(best_row.epoch), "epochs": len(history), "train_nll": float(best_row.train_nll),
            "val_nll": float(best_row.val_nll), "excess_nll": excess, "nll_gap": float(best_row.val_nll) - train}


def train_to_floor(sequences: list[str], config: dict, seed: int, true_nll, retries: int = 2):
    """`train_lstm` with a known floor (`true_nll`), trained again from the same initial
    weights (same seed) at half the learning rate, up to `retries` times, while a run stops
    above the tolerance. Returns (initial, trained, history) of the run that came closest to
    the floor (the last when it converged); history gains its learning_rate in every row.

    Why: at a high learning rate a run can stop by patience with its held-out NLL jumping
    up and down above the floor, where a smaller step settles, and a model that has not
    reached its floor says nothing about the attribution.
    """
    settings = {**training_defaults(), **{k: v for k, v in config.items() if v is not None}}
    tolerance = settings["tolerance"]
    best = None
    for attempt in range(retries + 1):
        initial, model, history = train_lstm(sequences, settings, seed, true_nll=true_nll)
        history = history.assign(learning_rate=settings["learning_rate"])
        if best is None or history["excess_nll"].min() < best[2]["excess_nll"].min():
            best = (initial, model, history)
        if history["excess_nll"].min() <= tolerance or attempt == retries:
            return best
        log.warning("excess %.4f above the tolerance %g at lr %g: training again from the same initial "
                    "weights at lr %g", history["excess_nll"].min(), tolerance, settings["learning_rate"],
                    settings["learning_rate"] / 2)
        settings["learning_rate"] /= 2
