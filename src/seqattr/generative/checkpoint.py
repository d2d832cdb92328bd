"""Generative LSTM checkpoints: what `save_model` writes and `load_model` reads."""

from __future__ import annotations

import torch

from seqattr.generative.lstm import GenerativeLSTM
from seqattr.io import atomic_path


def save_model(model: GenerativeLSTM, path) -> None:
    """Checkpoint = {'hidden_size', 'state_dict'}, written atomically."""
    with atomic_path(path) as tmp:
        torch.save({"hidden_size": model.hidden_size, "state_dict": model.state_dict()}, tmp)


def load_model(path, dtype=torch.float32) -> GenerativeLSTM:
    """A checkpoint from save_model, or a bare state_dict saved by the authors' code."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    if "state_dict" in state:
        hidden, state = state["hidden_size"], state["state_dict"]
    else:
        hidden = state["lstm.weight_hh_l0"].shape[1]
    model = GenerativeLSTM(hidden)
    model.load_state_dict(state)
    return model.to(dtype).eval()
