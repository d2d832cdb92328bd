"""Sequence classifiers (CNN baseline, AttnGen), built by name from a config dict, and
their checkpoints.

Every classifier takes float (N, 4, L) one-hot input and returns logits (N, n_classes).
AttnGen models also have `importance(x) -> (N, L)` and accept `mask_ratio` in forward.
"""

from __future__ import annotations

from torch import nn

from seqattr.classify import check_ratio, format_ratio
from seqattr.errors import ConfigError
from seqattr.classify.models.attngen import AttnGen
from seqattr.classify.models.checkpoint import (CheckpointError, expectation, load_checkpoint, read_checkpoint,
                                                save_checkpoint)
from seqattr.classify.models.cnn import GenomicBenchmarksCNN

MODELS = {"cnn": GenomicBenchmarksCNN, "attngen": AttnGen}

__all__ = ["MODELS", "AttnGen", "CheckpointError", "GenomicBenchmarksCNN", "build_model", "check_ratio",
           "expectation", "format_ratio", "load_checkpoint", "read_checkpoint", "save_checkpoint", "supports_masking"]


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
