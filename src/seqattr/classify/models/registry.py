"""The classifiers by name and how one is built from a config dict (below `checkpoint`,
which rebuilds a saved model by its name)."""

from __future__ import annotations

from torch import nn

from seqattr.classify.models.attngen import AttnGen
from seqattr.classify.models.cnn import GenomicBenchmarksCNN
from seqattr.errors import ConfigError

MODELS = {"cnn": GenomicBenchmarksCNN, "attngen": AttnGen}


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
