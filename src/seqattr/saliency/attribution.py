"""Per-position saliency of a sequence classifier: attention, Integrated Gradients, grad x input, DeepLIFT/SHAP.

Every method returns one score per position of each sequence, the attribution at the
observed base. For one-hot input the attribution of IG (zero baseline) and of
InputXGradient is zero in the three absent channels, so the sum over the four channels
is exactly the attribution of the observed base (and, for the 0.25-filled ambiguous
encoding, the total attribution of the position). DeepLIFT/SHAP (tangermeme) is multiplied
by the input the same way.

Target class: by default the model's own prediction, as in AttnGen's perturbation test
(high-saliency nucleotides *for the prediction* are removed); `target="label"` explains
the true class instead.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
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
    delta: np.ndarray  # (N,) float32, convergence delta of ig and deep_lift_shap (NaN for the other methods)
    hypothetical: np.ndarray | None = None  # (N, 4, L) float32, per-base contributions (ig, deep_lift_shap)
    # (N,) float32, deep_lift_shap only: the largest |delta| over a sequence's references
    max_pair_delta: np.ndarray | None = None


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


@dataclass(frozen=True)
class DeepLiftShap:
    attributions: np.ndarray  # (N, 4, L), at the observed base (hypothetical x input)
    hypothetical: np.ndarray  # (N, 4, L), every base's contribution, averaged over the references
    delta: np.ndarray  # (N,), sum of attributions minus the mean change of the target logit from the references
    max_pair_delta: np.ndarray  # (N,), the largest |delta| of one (sequence, reference) pair


@contextlib.contextmanager
def bilinear_ops(model: nn.Module):
    """Every submodule declaring a `bilinear_equation` (AttnGen's attention pooling) replaced
    by tangermeme's BilinearOp of that equation for the block, which DeepLIFT has a rule
    for; the original modules after."""
    from tangermeme.deep_lift_shap import BilinearOp

    swapped = []
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            equation = getattr(child, "bilinear_equation", None)
            if equation is not None and not isinstance(child, BilinearOp):
                setattr(parent, name, BilinearOp(equation))
                swapped.append((parent, name, child))
    try:
        yield model
    finally:
        for parent, name, child in swapped:
            setattr(parent, name, child)


def deep_lift_shap(model: nn.Module, x: torch.Tensor, targets: torch.Tensor, shuffles: int = 20, seed: int = 0,
                   batch_size: int = 256) -> DeepLiftShap:
    """tangermeme's DeepLIFT/SHAP of float one-hot x (N, 4, L) against `shuffles`
    dinucleotide-shuffled references per sequence (reference k drawn with seed + k), each
    row explaining its own class of `targets`; `batch_size` (sequence, reference) pairs
    per pass.

    AttnGen's softmax is an nn.Softmax, which tangermeme has a rule for, and its pooling
    is swapped for tangermeme's BilinearOp (`bilinear_ops`); a module with no rule is
    treated as linear, which shows as large deltas.

    tangermeme explains one class per call and reports convergence only as warnings, so
    the sequences are grouped by target and its raw per-pair multipliers are taken: the
    per-pair deltas (sum of (x - reference) x multipliers minus the change of the target
    logit) are computed here from the references it returns, and the hypothetical
    contributions are its own `hypothetical_attributions` of them, averaged over the
    references (what `hypothetical=True` returns).
    """
    from tangermeme.deep_lift_shap import deep_lift_shap as tangermeme_deep_lift_shap
    from tangermeme.deep_lift_shap import hypothetical_attributions

    one_hot_columns = ((x == 0) | (x == 1)).all(dim=1) & (x.sum(dim=1) == 1)
    not_one_hot = int((~one_hot_columns.all(dim=1)).sum())
    if not_one_hot:
        raise ValueError(f"deep_lift_shap needs one-hot sequences (its references are dinucleotide shuffles); "
                         f"{not_one_hot} of {len(x)} rows have ambiguous or padded positions (use ig or grad_x_input)")
    device = model_device(model)
    n, length = len(x), x.shape[2]
    hypothetical = torch.zeros((n, 4, length), dtype=torch.float32)
    delta = torch.zeros(n, dtype=torch.float32)
    max_pair_delta = torch.zeros(n, dtype=torch.float32)
    with evaluation_mode(model), bilinear_ops(model):
        for target in torch.unique(targets).tolist():
            rows = torch.nonzero(targets == target)[:, 0]
            for chunk in batches(len(rows), max(1, batch_size // shuffles)):
                chosen = rows[chunk]
                inputs = x[chosen]
                with warnings.catch_warnings():
                    # The deltas are computed, stored and checked against the tolerance below.
                    warnings.filterwarnings("ignore", message="Convergence deltas", category=RuntimeWarning)
                    result = tangermeme_deep_lift_shap(model, inputs, target=int(target), batch_size=batch_size,
                                                       n_shuffles=shuffles, raw_outputs=True,
                                                       return_references=True, random_state=seed,
                                                       device=device)
                multipliers = result.attributions.float()  # (n, shuffles, 4, L)
                references = result.references.float()
                pairs = inputs[:, None].expand_as(references)
                with torch.no_grad():
                    end = model(inputs.to(device))[:, target].float().cpu()
                    start = model(references.reshape(-1, 4, length).to(device))[:, target].float().cpu()
                start = start.reshape(len(chosen), shuffles)
                pair_delta = ((pairs - references) * multipliers).sum(dim=(2, 3)) - (end[:, None] - start)
                projected = hypothetical_attributions((multipliers.reshape(-1, 4, length),),
                                                      (pairs.reshape(-1, 4, length),),
                                                      (references.reshape(-1, 4, length),))[0]
                hypothetical[chosen] = projected.reshape(len(chosen), shuffles, 4, length).mean(dim=1)
                delta[chosen] = pair_delta.mean(dim=1)
                max_pair_delta[chosen] = pair_delta.abs().amax(dim=1)
    attributions = hypothetical * x
    return DeepLiftShap(attributions.numpy(), hypothetical.numpy(), delta.numpy(), max_pair_delta.numpy())


def saliency_scores(model: nn.Module, x, method: str, labels=None, target: str = "predicted",
                    ig_steps: int = 50, ig_internal_batch_size: int = 1024,
                    ig_baseline: float = 0.0, batch_size: int = 256, shuffles: int = 20,
                    shuffle_seed: int = 0) -> Saliency:
    """Per-position saliency (N, L) of float one-hot input x (N, 4, L) for any classifier
    mapping x to logits (N, n_classes); "attention" also needs `model.importance(x)`.
    `shuffles` and `shuffle_seed` are deep_lift_shap's references."""
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
    hypothetical = max_pair_delta = None
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
    elif method == "deep_lift_shap":
        result = deep_lift_shap(model, x, target_tensor, shuffles, shuffle_seed, batch_size)
        scores, delta, hypothetical = result.attributions.sum(axis=1), result.delta, result.hypothetical
        max_pair_delta = result.max_pair_delta.astype(np.float32)
        if len(delta):
            log.info("DeepLIFT/SHAP convergence: max |delta| of a (sequence, reference) pair %.3g",
                     float(max_pair_delta.max()))
    else:
        scores = input_x_gradient(model, x, target_tensor, batch_size).sum(axis=1)
    if hypothetical is not None:
        hypothetical = hypothetical.astype(np.float32)
    return Saliency(scores.astype(np.float32), targets, predictions, delta.astype(np.float32), hypothetical,
                    max_pair_delta)
