"""Classifier checkpoints: a plain dict of tensors and primitives, loadable with
torch.load(weights_only=True), written atomically."""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from seqattr.io import atomic_path

FORMAT_VERSION = 1
REQUIRED_KEYS = ("format_version", "model_name", "model_config", "input_length", "n_classes", "state_dict")


class CheckpointError(ValueError):
    pass


def save_checkpoint(path: str | os.PathLike, model: nn.Module, model_config: dict, extra: dict | None = None) -> None:
    """Save the weights with what it takes to rebuild the model: name, config, L, classes.

    `model` must have been made by seqattr.classify.models.build_model (it records the name and
    shape); `extra` is any metadata of plain values (history summary, timings, seed).
    """
    from seqattr.classify.models import MODELS

    name = next((n for n, cls in MODELS.items() if type(model) is cls), None)
    if name is None:
        raise TypeError(f"save_checkpoint: {type(model).__name__} is not one of {sorted(MODELS)}")
    payload = {
        "format_version": FORMAT_VERSION,
        "model_name": name,
        "model_config": dict(model_config or {}),
        "input_length": int(model.input_length),
        "n_classes": int(model.n_classes),
        "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "extra": dict(extra or {}),
    }
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def read_checkpoint(path: str | os.PathLike, map_location="cpu") -> dict:
    """The checkpoint's dict, after checking it is one of ours (CheckpointError otherwise)."""
    path = Path(path)
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(f"{path}: checkpoint not found") from None
    except Exception as error:  # truncated, not a zip, pickled foreign objects, ...
        raise CheckpointError(f"{path}: not a readable seqattr checkpoint ({type(error).__name__}: "
                              f"{str(error).splitlines()[0] if str(error) else ''})") from None
    if not isinstance(payload, dict) or any(key not in payload for key in REQUIRED_KEYS):
        raise CheckpointError(f"{path}: not a seqattr checkpoint (needs keys {', '.join(REQUIRED_KEYS)})")
    if payload["format_version"] != FORMAT_VERSION:
        raise CheckpointError(f"{path}: checkpoint format {payload['format_version']}, expected {FORMAT_VERSION}")
    return payload


def load_checkpoint(path: str | os.PathLike, map_location="cpu") -> nn.Module:
    """Rebuild the classifier and load its weights; returned in eval mode."""
    from seqattr.classify.models import build_model

    payload = read_checkpoint(path, map_location)
    try:
        model = build_model(payload["model_name"], payload["model_config"], payload["input_length"],
                            payload["n_classes"])
        model.load_state_dict(payload["state_dict"])
    except (ValueError, RuntimeError, KeyError) as error:
        first = str(error).strip().splitlines()[0]
        raise CheckpointError(f"{path}: weights do not match model {payload['model_name']!r} "
                              f"with its config ({first})") from None
    if isinstance(map_location, (str, torch.device)):
        model = model.to(map_location)
    return model.eval()
