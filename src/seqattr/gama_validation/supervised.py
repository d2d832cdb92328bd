"""A supervised truth for binders vs non-binders: a small 1-D CNN over one-hot residues of
the aligned columns, attributed with Integrated Gradients (the `cnn_ig` truth of
`gama.negatives`).

The classifier sees the same column layout as the other truths (`negatives.columns_of`:
residue positions of one length, or IMGT CDR3 positions of mixed lengths, a sequence
contributing zeros where it has no residue). It is trained on a seeded stratified split
(`val_fraction` held out), classes weighted to equal total weight, with early stopping on
the held-out loss; the weights of the best held-out epoch are kept.

Convergence (criterion "plateau", as the generative models' on real sets): the held-out
loss stopped improving by more than `min_delta` for `patience` consecutive epochs before
the epoch cap, it improved on the untrained model's at least once, and the held-out AUROC
exceeds `min_val_auroc`.
A model that fails any of these gives no attribution: its importance is NaN and a warning
is logged, since the IG of a model that has not learned the task describes only noise.

Importance per column: Integrated Gradients (captum) of the binder logit on the path from
the all-zero input (IG start zero), on a seeded sample of at most `max_attributed`
binders; the |IG| summed over the 20 residue channels at the column, averaged over the
sampled binders that have a residue there (NaN where none has). Starting from zero, with one-hot input, only the present
residue's channel has a non-zero attribution.

The classify stage's CNN (`classify.models.cnn.GenomicBenchmarksCNN`) does not fit: its
first convolution is fixed to the 4 DNA channels, and its three unpadded kernel-8 blocks
with max-pooling need inputs far longer than a CDR3 (10 residues for Mason), so a small
module is written here instead.
"""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass, fields

import numpy as np
import torch
from torch import nn

log = logging.getLogger(__name__)

CRITERION = "plateau"


@dataclass(frozen=True)
class CnnOptions:
    """Settings of the `cnn_ig` truth (config `gama.negatives_cnn`; the schema holds the
    workflow's defaults, these are the library's for callers without a config)."""

    enabled: bool = True
    epochs: int = 30
    patience: int = 4
    min_delta: float = 1e-3
    max_attributed: int = 2000
    seed: int = 0
    channels: int = 32
    kernel_size: int = 5
    dropout: float = 0.2
    learning_rate: float = 3e-3
    weight_decay: float = 1e-2
    batch_size: int = 256
    val_fraction: float = 0.2
    ig_steps: int = 32
    min_val_auroc: float = 0.55

    def __post_init__(self):
        if self.kernel_size < 1 or self.kernel_size % 2 == 0:
            raise ValueError(f"negatives_cnn: kernel_size must be odd (one output per column), not {self.kernel_size}")
        if self.min_delta < 0:
            raise ValueError(f"negatives_cnn: min_delta must be >= 0, not {self.min_delta}")
        if not 0 < self.val_fraction < 1:
            raise ValueError(f"negatives_cnn: val_fraction {self.val_fraction} is outside (0, 1)")
        for name in ("epochs", "patience", "max_attributed", "channels", "batch_size", "ig_steps"):
            if getattr(self, name) < 1:
                raise ValueError(f"negatives_cnn: {name} must be at least 1, not {getattr(self, name)}")

    @classmethod
    def from_dict(cls, values: dict | None) -> "CnnOptions":
        known = {f.name for f in fields(cls)}
        unknown = set(values or {}) - known
        if unknown:
            raise ValueError(f"negatives_cnn: unknown keys {sorted(unknown)}")
        return cls(**(values or {}))


class ColumnCNN(nn.Module):
    """One same-padded convolution over the columns, ReLU, dropout and a linear read-out of
    every column's features (not a pooled one: which column carries a residue is the
    signal a per-position truth needs) to one binder logit per sequence."""

    def __init__(self, n_columns: int, channels: int = 32, kernel_size: int = 5, dropout: float = 0.2,
                 n_residues: int = 20):
        super().__init__()
        self.conv = nn.Conv1d(n_residues, channels, kernel_size, padding=kernel_size // 2)
        self.activation = nn.ReLU()
        self.dropout = nn.Dropout(dropout)
        self.readout = nn.Linear(channels * n_columns, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (N, 20, C) float -> (N,) binder logits."""
        return self.readout(self.dropout(self.activation(self.conv(x))).flatten(1)).squeeze(1)


def _split(y: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import train_test_split

    return train_test_split(np.arange(len(y)), test_size=fraction, stratify=y, random_state=seed)


def _class_weights(y: torch.Tensor) -> torch.Tensor:
    """Per-sequence weights giving each class half the total weight (mean 1)."""
    n_positive = float(y.sum())
    n_negative = len(y) - n_positive
    return torch.where(y == 1, len(y) / (2 * n_positive), len(y) / (2 * n_negative))


@torch.no_grad()
def _evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, weights: torch.Tensor, batch_size: int):
    model.eval()
    logits = torch.cat([model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
    loss = nn.functional.binary_cross_entropy_with_logits(logits, y, weight=weights)
    return float(loss), logits.numpy()


def train_cnn(binders: np.ndarray, non_binders: np.ndarray, options: CnnOptions):
    """(model with the best held-out epoch's weights, summary) for one-hot (N, C, 20)
    binders and non-binders. summary: criterion, plateau, improved, converged, epochs (run),
    best_epoch (0 = the untrained model), val_loss, val_accuracy, val_auroc, history."""
    from sklearn.metrics import roc_auc_score

    x = torch.from_numpy(np.concatenate([binders, non_binders]).astype(np.float32)).permute(0, 2, 1).contiguous()
    y_np = np.concatenate([np.ones(len(binders)), np.zeros(len(non_binders))]).astype(np.float32)
    train_index, val_index = _split(y_np, options.val_fraction, options.seed)
    y = torch.from_numpy(y_np)
    x_train, y_train, x_val, y_val = x[train_index], y[train_index], x[val_index], y[val_index]
    w_train, w_val = _class_weights(y_train), _class_weights(y_val)

    torch.manual_seed(options.seed)
    model = ColumnCNN(x.shape[2], options.channels, options.kernel_size, options.dropout, x.shape[1])
    optimiser = torch.optim.AdamW(model.parameters(), lr=options.learning_rate, weight_decay=options.weight_decay)
    order = torch.Generator().manual_seed(options.seed)

    best_loss, best_logits = _evaluate(model, x_val, y_val, w_val, options.batch_size)
    best_state, best_epoch, stale, plateau = copy.deepcopy(model.state_dict()), 0, 0, False
    history = [{"epoch": 0, "train_loss": float("nan"), "val_loss": best_loss}]
    for epoch in range(1, options.epochs + 1):
        model.train()
        total = 0.0
        for batch in torch.randperm(len(x_train), generator=order).split(options.batch_size):
            optimiser.zero_grad()
            loss = nn.functional.binary_cross_entropy_with_logits(model(x_train[batch]), y_train[batch],
                                                                  weight=w_train[batch])
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(batch)
        val_loss, logits = _evaluate(model, x_val, y_val, w_val, options.batch_size)
        history.append({"epoch": epoch, "train_loss": total / len(x_train), "val_loss": val_loss})
        if val_loss < best_loss - options.min_delta:
            best_loss, best_logits, best_epoch, stale = val_loss, logits, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            stale += 1
            if stale >= options.patience:
                plateau = True
                break
    model.load_state_dict(best_state)
    model.eval()
    y_val_np = y_val.numpy()
    auroc = float(roc_auc_score(y_val_np, best_logits))
    improved = best_epoch > 0
    summary = {"criterion": CRITERION, "plateau": plateau, "improved": improved,
               "converged": bool(plateau and improved and auroc > options.min_val_auroc),
               "epochs": len(history) - 1, "best_epoch": best_epoch, "val_loss": best_loss,
               "val_accuracy": float(((best_logits > 0) == (y_val_np == 1)).mean()), "val_auroc": auroc,
               "history": history}
    return model, summary


def column_importance(model: nn.Module, binders: np.ndarray, ig_steps: int = 32, batch_size: int = 256) -> np.ndarray:
    """(C,) mean over the binders that have a residue at each column of the |IG| of the
    binder logit (IG start zero) summed over the residue channels; NaN where none has one."""
    from captum.attr import IntegratedGradients

    model.eval()
    ig = IntegratedGradients(model)
    x = torch.from_numpy(binders.astype(np.float32)).permute(0, 2, 1).contiguous()
    total = np.zeros(x.shape[2])
    for start in range(0, len(x), batch_size):
        chunk = x[start:start + batch_size]
        attribution = ig.attribute(chunk, baselines=torch.zeros_like(chunk), n_steps=ig_steps,
                                   method="gausslegendre", internal_batch_size=batch_size * 8)
        total += attribution.detach().abs().sum(dim=1).sum(dim=0).numpy()
    present = binders.sum(axis=2).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(present > 0, total / np.maximum(present, 1), np.nan)


def cnn_ig_truth(binders: np.ndarray, non_binders: np.ndarray, options: CnnOptions | dict | None = None,
                 threads: int = 1) -> tuple[np.ndarray, dict]:
    """((C,) `cnn_ig` importance, summary of the training) for one-hot (N, C, 20) sets; the
    importance is all NaN, with a warning logged, when the model did not converge."""
    if not isinstance(options, CnnOptions):
        options = CnnOptions.from_dict(options)
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        start = time.perf_counter()
        model, summary = train_cnn(binders, non_binders, options)
        trained = time.perf_counter() - start
        log.info("cnn_ig: %d epochs (best %d) in %.1f s, validation AUROC %.3f, accuracy %.3f, plateau %s",
                 summary["epochs"], summary["best_epoch"], trained, summary["val_auroc"], summary["val_accuracy"],
                 summary["plateau"])
        if not summary["converged"]:
            reasons = [text for failed, text in (
                (not summary["plateau"], f"the held-out loss still improved at the epoch cap ({options.epochs})"),
                (not summary["improved"], "the held-out loss never improved on the untrained model's"),
                (summary["val_auroc"] <= options.min_val_auroc,
                 f"validation AUROC {summary['val_auroc']:.3f} <= {options.min_val_auroc}")) if failed]
            log.warning("cnn_ig truth not converged (%s): its importance is NaN", "; ".join(reasons))
            return np.full(binders.shape[1], np.nan), summary
        rng = np.random.default_rng(options.seed)
        chosen = (np.sort(rng.choice(len(binders), options.max_attributed, replace=False))
                  if len(binders) > options.max_attributed else np.arange(len(binders)))
        importance = column_importance(model, binders[chosen], options.ig_steps, options.batch_size)
        log.info("cnn_ig: IG on %d binders in %.1f s", len(chosen), time.perf_counter() - start - trained)
        return importance, summary
    finally:
        torch.set_num_threads(previous)
