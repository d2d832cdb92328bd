"""Per-position saliency of a sequence classifier: attention, Integrated Gradients, grad x input.

Every method returns one score per position of each sequence, the attribution at the
observed base. For one-hot input the attribution of IG (zero baseline) and of
InputXGradient is zero in the three absent channels, so the sum over the four channels
is exactly the attribution of the observed base (and, for the 0.25-filled ambiguous
encoding, the total attribution of the position).

Target class: by default the model's own prediction, as in AttnGen's perturbation test
(high-saliency nucleotides *for the prediction* are removed); `target="label"` explains
the true class instead.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

import numpy as np
import torch
from captum.attr import InputXGradient, IntegratedGradients
from torch import nn

from seqattr.saliency import METHODS, TARGETS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Saliency:
    scores: np.ndarray  # (N, L) float32, attribution at the observed base
    targets: np.ndarray  # (N,) int64, the class each row's scores explain
    predictions: np.ndarray  # (N,) int64, the model's predicted class on the unperturbed input
    delta: np.ndarray  # (N,) float32, IG convergence delta (NaN for the other methods)
    hypothetical: np.ndarray | None = None  # (N, 4, L) float32, IG's path-averaged gradient (ig only)


@contextlib.contextmanager
def evaluation_mode(model: nn.Module):
    """Eval mode (BatchNorm running stats, no dropout) for the block; the old mode after."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def batches(n: int, batch_size: int):
    for start in range(0, n, batch_size):
        yield slice(start, min(start + batch_size, n))


def model_device(model: nn.Module) -> torch.device:
    parameter = next(model.parameters(), None)
    return parameter.device if parameter is not None else torch.device("cpu")


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch_size: int = 512) -> np.ndarray:
    """Predicted class per row of float (N, 4, L) input."""
    device = model_device(model)
    with evaluation_mode(model):
        out = [model(x[rows].to(device)).argmax(dim=1).cpu() for rows in batches(len(x), batch_size)]
    return torch.cat(out).numpy().astype(np.int64) if out else np.zeros(0, dtype=np.int64)


def attention_scores(model: nn.Module, x: torch.Tensor, batch_size: int = 512) -> np.ndarray:
    """The model's own per-position importance (AttnGen's softmax attention), (N, L)."""
    if not callable(getattr(model, "importance", None)):
        raise ValueError(f"method 'attention' needs a model with an importance(x) method; "
                         f"{type(model).__name__} has none (use ig or grad_x_input)")
    device = model_device(model)
    with torch.no_grad(), evaluation_mode(model):
        out = [model.importance(x[rows].to(device)).float().cpu() for rows in batches(len(x), batch_size)]
    return torch.cat(out).numpy()


def integrated_gradients(model: nn.Module, x: torch.Tensor, targets: torch.Tensor, steps: int = 50,
                         internal_batch_size: int = 1024, baseline: float = 0.0,
                         hypothetical: bool = False):
    """Captum IntegratedGradients from a constant baseline; (N, 4, L) attributions and the
    (N,) convergence deltas (sum of attributions minus the change of the target logit).

    With `hypothetical=True` also the path-averaged gradient (N, 4, L) (Captum's
    `multiply_by_inputs=False`), computed in the same pass: the attributions are it times
    (x - baseline), so every base of every position gets a score (the motifs stage's
    hypothetical contributions), and a third value is returned.

    Each forward/backward pass holds about `internal_batch_size` rows (sequences x steps):
    sequences go in chunks of internal_batch_size // steps. On a CPU very large passes are
    memory-bound and slower (bench/saliency_speed.py times a choice); on a GPU, larger is
    faster.
    """
    # One pass gives both: the path-averaged gradient times (x - baseline) is exactly what
    # Captum's default (multiply_by_inputs=True) returns; the delta is computed here as
    # Captum does, since it is not defined for multiply_by_inputs=False.
    method = IntegratedGradients(model, multiply_by_inputs=False)
    device = model_device(model)
    attributions, deltas, gradients = [], [], []
    with evaluation_mode(model):
        for rows in batches(len(x), max(1, internal_batch_size // steps)):
            inputs = x[rows].to(device)
            target = targets[rows].to(device)
            gradient = method.attribute(inputs, baselines=baseline, target=target, n_steps=steps,
                                        internal_batch_size=internal_batch_size).detach()
            attr = gradient * (inputs - baseline)
            with torch.no_grad():
                start = model(torch.full_like(inputs, baseline)).gather(1, target[:, None])[:, 0]
                end = model(inputs).gather(1, target[:, None])[:, 0]
            attributions.append(attr.cpu())
            deltas.append((attr.sum(dim=(1, 2)) - (end - start)).cpu())
            if hypothetical:
                gradients.append(gradient.cpu())
    result = (torch.cat(attributions).numpy(), torch.cat(deltas).float().numpy())
    return result + (torch.cat(gradients).numpy(),) if hypothetical else result


def input_x_gradient(model: nn.Module, x: torch.Tensor, targets: torch.Tensor,
                     batch_size: int = 256) -> np.ndarray:
    """Captum InputXGradient, (N, 4, L)."""
    method = InputXGradient(model)
    device = model_device(model)
    with evaluation_mode(model):
        out = [method.attribute(x[rows].to(device).requires_grad_(), target=targets[rows].to(device)).detach().cpu()
               for rows in batches(len(x), batch_size)]
    return torch.cat(out).numpy()


def saliency_scores(model: nn.Module, x, method: str, labels=None, target: str = "predicted",
                    ig_steps: int = 50, ig_internal_batch_size: int = 1024,
                    ig_baseline: float = 0.0, batch_size: int = 256) -> Saliency:
    """Per-position saliency (N, L) of float one-hot input x (N, 4, L) for any classifier
    mapping x to logits (N, n_classes); "attention" also needs `model.importance(x)`."""
    if method not in METHODS:
        raise ValueError(f"unknown saliency method {method!r}; allowed: {', '.join(METHODS)}")
    if target not in TARGETS:
        raise ValueError(f"unknown saliency target {target!r}; allowed: {', '.join(TARGETS)}")
    x = torch.as_tensor(x, dtype=torch.float32)
    predictions = predict(model, x)
    if target == "label":
        if labels is None:
            raise ValueError("target='label' needs the labels")
        targets = np.asarray(labels, dtype=np.int64)
    else:
        targets = predictions
    target_tensor = torch.as_tensor(targets)
    delta = np.full(len(x), np.nan, dtype=np.float32)
    hypothetical = None
    if method == "attention":
        scores = attention_scores(model, x)
    elif method == "ig":
        attributions, delta, hypothetical = integrated_gradients(model, x, target_tensor, ig_steps,
                                                                 ig_internal_batch_size, ig_baseline,
                                                                 hypothetical=True)
        scores = attributions.sum(axis=1)
        if len(delta):
            log.info("IG convergence delta: mean |delta| %.3g, max |delta| %.3g",
                     float(np.abs(delta).mean()), float(np.abs(delta).max()))
    else:
        scores = input_x_gradient(model, x, target_tensor, batch_size).sum(axis=1)
    if hypothetical is not None:
        hypothetical = hypothetical.astype(np.float32)
    return Saliency(scores.astype(np.float32), targets, predictions, delta.astype(np.float32), hypothetical)
