"""Classifier checkpoints: a plain dict of tensors and primitives, loadable with
torch.load(weights_only=True), written atomically.

A checkpoint declares what it was trained for (model name, classes, input length,
alphabet, dataset); every job that loads one states what it expects, and a file made for
another job is refused rather than evaluated as if it were the right model.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from seqattr.classify.models.registry import MODELS, build_model
from seqattr.errors import InputError
from seqattr.io import load_torch, save_torch

FORMAT_VERSION = 2  # 2: declares dataset and alphabet
# The one-hot channel order of every classifier input (seqattr.data.encoding).
DNA_ALPHABET = "ACGT"
REQUIRED_KEYS = ("format_version", "model_name", "model_config", "input_length", "n_classes", "alphabet",
                 "dataset", "state_dict")
# What a loading job can expect of a checkpoint, each a key the file declares.
DECLARED = ("model_name", "n_classes", "input_length", "alphabet", "dataset")


class CheckpointError(InputError):
    pass


def save_checkpoint(path: str | os.PathLike, model: nn.Module, model_config: dict, extra: dict | None = None, *,
                    dataset: str | None = None, alphabet: str = DNA_ALPHABET) -> None:
    """Save the weights with what it takes to rebuild the model (name, config, L, classes)
    and what it was trained on (dataset, alphabet).

    `model` must have been made by seqattr.classify.models.build_model (it records the name and
    shape); `extra` is any metadata of plain values (history summary, seed), never timings:
    equal training gives equal bytes.
    """
    name = next((n for n, cls in MODELS.items() if type(model) is cls), None)
    if name is None:
        raise TypeError(f"save_checkpoint: {type(model).__name__} is not one of {sorted(MODELS)}")
    payload = {
        "format_version": FORMAT_VERSION,
        "model_name": name,
        "model_config": dict(model_config or {}),
        "input_length": int(model.input_length),
        "n_classes": int(model.n_classes),
        "alphabet": str(alphabet),
        "dataset": None if dataset is None else str(dataset),
        "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "extra": dict(extra or {}),
    }
    save_torch(payload, path)


def expectation(model_name: str, dataset: str, classes: list[str], input_length: int) -> dict:
    """What a job that loads classifier `model_name` of `dataset` expects its checkpoint to declare."""
    return {"model_name": model_name, "dataset": dataset, "n_classes": len(classes),
            "input_length": int(input_length), "alphabet": DNA_ALPHABET}


def check_declared(path, declared: dict, expected: dict) -> None:
    """CheckpointError naming the file and both values for the first declared value that
    differs from what the loading job expects."""
    for key, wanted in expected.items():
        if wanted is not None and declared.get(key) != wanted:
            raise CheckpointError(f"{path}: checkpoint declares {key} {declared.get(key)!r} but this job expects "
                                  f"{wanted!r}; the file was made for another model or dataset (retrain it)")


def read_checkpoint(path: str | os.PathLike, map_location="cpu", expected: dict | None = None) -> dict:
    """The checkpoint's dict, after checking it is one of ours and, for each key of
    `expected` (any of model_name, n_classes, input_length, alphabet, dataset), that it
    declares that value (CheckpointError otherwise)."""
    path = Path(path)
    payload = load_torch(path, CheckpointError, "seqattr checkpoint", map_location)
    if not isinstance(payload, dict) or any(key not in payload for key in REQUIRED_KEYS):
        raise CheckpointError(f"{path}: not a seqattr checkpoint (needs keys {', '.join(REQUIRED_KEYS)})")
    if payload["format_version"] != FORMAT_VERSION:
        raise CheckpointError(f"{path}: checkpoint format {payload['format_version']}, expected {FORMAT_VERSION} "
                              f"(retrain it)")
    unknown = sorted(set(expected or {}) - set(DECLARED))
    if unknown:
        raise TypeError(f"read_checkpoint: cannot expect {unknown}; a checkpoint declares {DECLARED}")
    check_declared(path, payload, expected or {})
    return payload


def load_checkpoint(path: str | os.PathLike, map_location="cpu", expected: dict | None = None) -> nn.Module:
    """Rebuild the classifier and load its weights; returned in eval mode. `expected`: as
    for read_checkpoint."""
    payload = read_checkpoint(path, map_location, expected)
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
