"""Generative LSTM checkpoints: what `save_model` writes and `load_model` reads.

A checkpoint declares what it is (model, alphabet, hidden size) and which positive set
it was trained on; a job that loads one states what it expects, and a file made for
another set or size is refused with one line naming the file and both values. A bare
state_dict as the authors' code saves it declares only its hidden size (from its shape).
"""

from __future__ import annotations

from pathlib import Path

import torch

from seqattr.errors import InputError
from seqattr.generative.alphabet import AMINO_ACIDS
from seqattr.generative.lstm import GenerativeLSTM
from seqattr.io import load_torch, save_torch

MODEL_NAME = "generative_lstm"
FORMAT_VERSION = 1
DECLARED = ("model_name", "alphabet", "hidden_size", "set")


class GenerativeCheckpointError(InputError):
    pass


def save_model(model: GenerativeLSTM, path, *, set_name: str | None = None) -> None:
    """Checkpoint = what it declares (DECLARED, format_version) and the state_dict, written
    atomically and with equal bytes for equal weights."""
    save_torch({"format_version": FORMAT_VERSION, "model_name": MODEL_NAME, "alphabet": AMINO_ACIDS,
                "hidden_size": int(model.hidden_size), "set": set_name, "state_dict": model.state_dict()}, path)


def expectation(model_config: dict, set_name: str) -> dict:
    """What a job expects a checkpoint of set `set_name` under `generative.model` to declare."""
    return {"model_name": MODEL_NAME, "alphabet": AMINO_ACIDS, "hidden_size": int(model_config["hidden_size"]),
            "set": set_name}


def _declared(path: Path, payload) -> tuple[dict, dict]:
    """(what the file declares, its state_dict) for our format or a bare state_dict."""
    if not isinstance(payload, dict):
        raise GenerativeCheckpointError(f"{path}: not a generative LSTM checkpoint (holds a {type(payload).__name__})")
    if "state_dict" in payload:
        missing = [key for key in ("format_version", *DECLARED) if key not in payload]
        if missing:
            raise GenerativeCheckpointError(f"{path}: not a seqattr generative checkpoint (lacks {', '.join(missing)})")
        if payload["format_version"] != FORMAT_VERSION:
            raise GenerativeCheckpointError(f"{path}: checkpoint format {payload['format_version']}, expected "
                                            f"{FORMAT_VERSION} (retrain it)")
        return {key: payload[key] for key in DECLARED}, payload["state_dict"]
    weight = payload.get("lstm.weight_hh_l0")
    if not isinstance(weight, torch.Tensor) or weight.dim() != 2:
        raise GenerativeCheckpointError(f"{path}: not a generative LSTM checkpoint (no 'state_dict', and not a bare "
                                        f"state_dict with 'lstm.weight_hh_l0')")
    return {"model_name": MODEL_NAME, "alphabet": AMINO_ACIDS, "hidden_size": int(weight.shape[1]), "set": None}, payload


def load_model(path, dtype=torch.float32, expected: dict | None = None) -> GenerativeLSTM:
    """A checkpoint from save_model, or a bare state_dict saved by the authors' code, in
    eval mode. `expected`: values (any of DECLARED) the file must declare; a bare
    state_dict declares no set, so an expected set is checked only where one is declared.
    Every problem is one GenerativeCheckpointError naming the file."""
    path = Path(path)
    payload = load_torch(path, GenerativeCheckpointError, "generative LSTM checkpoint")
    declared, state = _declared(path, payload)
    unknown = sorted(set(expected or {}) - set(DECLARED))
    if unknown:
        raise TypeError(f"load_model: cannot expect {unknown}; a checkpoint declares {DECLARED}")
    for key, wanted in (expected or {}).items():
        if wanted is None or (key == "set" and declared["set"] is None):
            continue
        if declared[key] != wanted:
            raise GenerativeCheckpointError(f"{path}: checkpoint declares {key} {declared[key]!r} but this job "
                                            f"expects {wanted!r}; the file was made for another model or set "
                                            f"(retrain it)")
    model = GenerativeLSTM(declared["hidden_size"])
    try:
        model.load_state_dict(state)
    except (RuntimeError, KeyError, TypeError) as error:
        first = str(error).strip().splitlines()[0]
        raise GenerativeCheckpointError(f"{path}: weights do not fit a generative LSTM of hidden size "
                                        f"{declared['hidden_size']} ({first})") from None
    return model.to(dtype).eval()
