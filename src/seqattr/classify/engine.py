"""Training engine for the sequence classifiers.

The encoded split lives in memory as one tensor on the training device and batches are
index slices of it: no per-sample Python, no per-file reads, no DataLoader workers. AdamW,
a seeded validation split carved from train, early stopping and the best state on
validation loss, optional bf16 autocast on CUDA. For AttnGen the target mask ratio r is
reached by a warm-up ramp r_t (see `mask_ratio_at`).
"""

from __future__ import annotations

import copy
import logging
import math
import time
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd
import torch
from torch import nn
from tqdm import tqdm

from seqattr.classify import TRAINING_KEYS, check_ratio
from seqattr.classify.models import supports_masking
from seqattr.schema import schema_defaults
from seqattr.runtime import resolve_device, seed_everything

log = logging.getLogger(__name__)

WARMUP_SCHEDULES = ("linear", "cosine", "none")
HISTORY_COLUMNS = ["epoch", "train_loss", "val_loss", "val_accuracy", "seconds"]
# history.tsv: the science columns only (an epoch's seconds go to the timing file).
HISTORY_FILE_COLUMNS = ["epoch", "train_loss", "val_loss", "val_accuracy"]


@dataclass(frozen=True, kw_only=True)
class TrainingConfig:
    """One training run's settings. The keys of `classify` (TRAINING_KEYS) have no
    defaults here: workflow/schemas/config.schema.yaml holds them, and `from_dict` fills a missing one
    from it. The mask ratio and seed come from the job's wildcards, threads from its rule."""

    epochs: int
    batch_size: int
    learning_rate: float
    weight_decay: float
    val_fraction: float
    patience: int
    mask_ratio: float = 0.0
    warmup: float  # fraction of all training steps (epochs x batches) over which r_t ramps to r
    # The ramp in epochs instead: with a large epoch cap (so that early stopping decides,
    # not the cap) a fraction of all steps would make the ramp as long as the cap is large.
    warmup_epochs: int | None
    warmup_schedule: str
    eval_masking: bool  # validation (and test) with the target ratio masked, not unmasked
    seed: int = 0
    device: str
    bf16: bool
    threads: int = 1

    def __post_init__(self):
        check_ratio(self.mask_ratio)
        if self.warmup_schedule not in WARMUP_SCHEDULES:
            raise ValueError(f"warmup_schedule must be one of {WARMUP_SCHEDULES}, not {self.warmup_schedule!r}")
        if not 0 <= self.warmup <= 1:
            raise ValueError(f"warmup {self.warmup} is outside [0, 1] (a fraction of all training steps)")
        if not 0 < self.val_fraction < 1:
            raise ValueError(f"val_fraction {self.val_fraction} is outside (0, 1)")
        if self.warmup_epochs is not None and self.warmup_epochs < 0:
            raise ValueError(f"warmup_epochs must be at least 0, not {self.warmup_epochs}")
        for name in ("epochs", "batch_size", "patience", "threads"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")

    @classmethod
    def from_dict(cls, values: dict) -> "TrainingConfig":
        """From a `classify` section (other keys are ignored); a training key it lacks
        takes the schema's default."""
        known = {f.name for f in fields(cls)}
        defaults = {key: value for key, value in schema_defaults("classify").items() if key in TRAINING_KEYS}
        return cls(**{k: v for k, v in {**defaults, **values}.items() if k in known})


@dataclass
class TrainingResult:
    model: nn.Module  # holding the best state (lowest validation loss)
    history: pd.DataFrame
    best_epoch: int
    stopped_early: bool  # the patience rule ended training (False: the epoch cap did)
    train_seconds: float
    train_seq_per_s: float


def validation_split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded (train indices, validation indices), both sorted; at least one of each."""
    n_val = min(max(1, int(round(fraction * n))), n - 1)
    if n < 2:
        raise ValueError(f"need at least 2 sequences to carve a validation split, got {n}")
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def mask_ratio_at(step: int, total_steps: int, target: float, warmup: float, schedule: str = "linear") -> float:
    """r_t: 0 at step 0, reaching `target` after warmup * total_steps steps, then constant."""
    warmup_steps = warmup * total_steps
    if target == 0 or schedule == "none" or warmup_steps <= 0 or step >= warmup_steps:
        return target
    progress = step / warmup_steps
    if schedule == "cosine":
        progress = 0.5 - 0.5 * math.cos(math.pi * progress)
    return target * progress


def _forward(model: nn.Module, x: torch.Tensor, mask_ratio: float) -> torch.Tensor:
    return model(x, mask_ratio=mask_ratio) if mask_ratio > 0 else model(x)


def _autocast(device: torch.device, bf16: bool):
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16 and device.type == "cuda")


@torch.no_grad()
def predict_logits(model: nn.Module, x: torch.Tensor, batch_size: int = 1024, mask_ratio: float = 0.0,
                   bf16: bool = False) -> torch.Tensor:
    """Float32 logits for all of x (on x's device), in eval mode, batch by batch."""
    was_training = model.training
    model.eval()
    try:
        with _autocast(x.device, bf16):
            out = [_forward(model, x[i:i + batch_size], mask_ratio).float() for i in range(0, len(x), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(out)


def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, config: TrainingConfig,
                     progress: bool = True) -> TrainingResult:
    """Train on (x, y) minus a seeded validation split; return the best state and its history.

    x: float (N, 4, L) one-hot; y: int64 (N,). Masking (mask_ratio > 0) needs a model
    that supports it (AttnGen).
    """
    if config.mask_ratio > 0 and not supports_masking(model):
        raise ValueError(f"{type(model).__name__} does not support masking; use mask_ratio 0")
    seed_everything(config.seed, config.threads)
    device = resolve_device(config.device)
    train_index, val_index = validation_split(len(x), config.val_fraction, config.seed)
    if config.batch_size > len(train_index):
        raise ValueError(f"batch_size {config.batch_size} is larger than the {len(train_index)} training "
                         f"sequences left after the validation split")
    x_train, y_train = x[train_index].to(device), y[train_index].to(device)
    x_val, y_val = x[val_index].to(device), y[val_index].to(device)
    model = model.to(device)
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(config.seed)
    # Drop the last partial batch: BatchNorm is unstable on a batch of one or two.
    steps_per_epoch = len(x_train) // config.batch_size
    total_steps = steps_per_epoch * config.epochs
    warmup = warmup_fraction(config)
    # Patience counts only once r_t has reached r, so a ratio is never judged mid-ramp;
    # without masking there is no ramp, and patience counts from the first epoch.
    # (rounded up, less a hair of float error: 5 epochs of 100 is 5 epochs' steps, not one more)
    ramps = config.mask_ratio > 0 and config.warmup_schedule != "none"
    ramp_steps = math.ceil(warmup * total_steps - 1e-6) if ramps else 0
    eval_ratio = config.mask_ratio if config.eval_masking else 0.0

    rows, best_loss, best_state, best_epoch, stale, stopped_early = [], math.inf, None, 0, 0, False
    step, seen, loop_seconds = 0, 0, 0.0
    start = time.perf_counter()
    for epoch in range(1, config.epochs + 1):
        epoch_start = time.perf_counter()
        model.train()
        order = torch.randperm(len(x_train), generator=generator).to(device)
        total_loss = torch.zeros((), device=device)
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch}/{config.epochs}", disable=not progress,
                   mininterval=10, leave=False)
        for b in bar:
            batch = order[b * config.batch_size:(b + 1) * config.batch_size]
            ratio = mask_ratio_at(step, total_steps, config.mask_ratio, warmup, config.warmup_schedule)
            with _autocast(device, config.bf16):
                loss = loss_fn(_forward(model, x_train[batch], ratio).float(), y_train[batch])
            # A model's own training term (AttnGen's attention entropy penalty) joins the
            # gradient, not train_loss: the history stays the classification loss.
            regularisation = getattr(model, "regularisation_loss", None)
            objective = loss if regularisation is None else loss + regularisation
            optimiser.zero_grad(set_to_none=True)
            objective.backward()
            optimiser.step()
            total_loss += loss.detach()
            step += 1
        seen += steps_per_epoch * config.batch_size
        loop_seconds += time.perf_counter() - epoch_start
        val_logits = predict_logits(model, x_val, mask_ratio=eval_ratio, bf16=config.bf16)
        val_loss = float(loss_fn(val_logits, y_val))
        val_accuracy = float((val_logits.argmax(1) == y_val).float().mean())
        train_loss = float(total_loss) / steps_per_epoch
        seconds = time.perf_counter() - epoch_start
        rows.append((epoch, train_loss, val_loss, val_accuracy, seconds))
        log.info("epoch %d/%d: train_loss %.4f val_loss %.4f val_accuracy %.4f mask_ratio %.3f (%.1f s)",
                 epoch, config.epochs, train_loss, val_loss, val_accuracy, ratio, seconds)
        if step < ramp_steps:
            # Mid-ramp the model is trained at r_t < r: it is neither kept as the model of
            # ratio r nor judged (a state trained at a fraction of the ratio would stand in
            # for ratio r, and its early low validation loss would end training too soon).
            continue
        if val_loss < best_loss:
            best_loss, best_epoch, stale = val_loss, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            stale += 1
            if stale >= config.patience:
                log.info("early stop after epoch %d: no better validation loss for %d epochs", epoch, stale)
                stopped_early = True
                break
    if best_state is None:  # the cap came before the ramp ended: the last state is all there is
        best_epoch, best_state = len(rows), copy.deepcopy(model.state_dict())
    if not stopped_early:
        log.warning("stopped at the epoch cap (%d) with the best validation loss at epoch %d: raise `epochs` so "
                    "that early stopping decides", config.epochs, best_epoch)
    train_seconds = time.perf_counter() - start
    model.load_state_dict(best_state)
    history = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    return TrainingResult(model.eval(), history, best_epoch, stopped_early, train_seconds, seen / loop_seconds)


def warmup_fraction(config: TrainingConfig) -> float:
    """The ramp's length as a fraction of all training steps (`warmup_epochs` / `epochs` when given)."""
    if config.warmup_epochs is not None:
        return min(1.0, config.warmup_epochs / config.epochs)
    return config.warmup


def training_summary(config: TrainingConfig, result: TrainingResult, n_sequences: int) -> dict:
    """The plain-value metadata stored in the checkpoint's `extra`: no wall-clock times,
    so that equal training gives an equal file (they go to `training_timing`)."""
    return {
        "training": asdict(config),
        "epochs": int(len(result.history)),
        "best_epoch": int(result.best_epoch),
        "stopped_early": bool(result.stopped_early),
        "n_sequences": int(n_sequences),
    }


TIMING_COLUMNS = ["epoch", "seconds", "seq_per_s"]


def training_timing(result: TrainingResult) -> pd.DataFrame:
    """Wall-clock times of a training run, kept apart from every science table: one row
    per epoch (seconds), then a row `all` with the whole run's seconds and its training
    throughput (sequences per second of the training loops)."""
    epochs = pd.DataFrame({"epoch": result.history["epoch"].astype(str), "seconds": result.history["seconds"],
                           "seq_per_s": float("nan")})
    total = pd.DataFrame([{"epoch": "all", "seconds": result.train_seconds, "seq_per_s": result.train_seq_per_s}])
    return pd.concat([epochs, total], ignore_index=True)[TIMING_COLUMNS].round({"seconds": 2, "seq_per_s": 1})
