"""Sequence classifiers (CNN baseline, AttnGen), built by name from a config dict, and
their checkpoints.

Every classifier takes float (N, 4, L) one-hot input and returns logits (N, n_classes).
AttnGen models also have `importance(x) -> (N, L)` and accept `mask_ratio` in forward.
"""

from __future__ import annotations

import numpy as np
from torch import nn

from seqattr.config import ConfigError
from seqattr.models.attngen import AttnGen
from seqattr.models.checkpoint import CheckpointError, load_checkpoint, read_checkpoint, save_checkpoint
from seqattr.models.cnn import BenchmarkCNN

MODELS = {"cnn": BenchmarkCNN, "attngen": AttnGen}

__all__ = ["MODELS", "AttnGen", "BenchmarkCNN", "CheckpointError", "build_model", "check_ratio",
           "format_ratio", "load_checkpoint", "read_checkpoint", "save_checkpoint", "supports_masking"]


def build_model(name: str, model_config: dict, input_length: int, n_classes: int) -> nn.Module:
    """A fresh classifier; `model_config` holds its hyperparameters (keyword arguments)."""
    if name not in MODELS:
        raise ConfigError(f"unknown model {name!r}; choose one of {sorted(MODELS)}")
    try:
        return MODELS[name](input_length=input_length, n_classes=n_classes, **(model_config or {}))
    except TypeError as error:  # an unknown hyperparameter name
        raise ConfigError(f"model {name!r}: bad hyperparameters {sorted(model_config)}: {error}") from None


def supports_masking(model: nn.Module) -> bool:
    return getattr(model, "supports_masking", False)


def check_ratio(ratio: float) -> float:
    ratio = float(ratio)
    if not 0 <= ratio < 1:
        raise ValueError(f"mask ratio {ratio} is outside [0, 1)")
    return ratio


def format_ratio(ratio: float | str) -> str:
    """The mask ratio as it appears in file names: 0 -> '0', 0.1 -> '0.1', 0.05 -> '0.05'.

    The one formatting used everywhere (rules, scripts, tables), so paths always agree.
    """
    return np.format_float_positional(check_ratio(ratio), trim="-")
