"""Per-base hypothetical contributions (N, 4, L) for TF-MoDISco, one per method.

TF-MoDISco clusters seqlets on two tracks: the contribution of each observed base and the
hypothetical contribution every base would have at that position. The observed-base track
is always `onehot * hypothetical`.

* ig: the path-averaged gradient that the saliency stage stores beside IG's scores
  (Captum's multiply_by_inputs=False); times the one-hot input it is exactly the saved IG.
* deep_lift_shap: tangermeme's hypothetical contributions, averaged over the references,
  that the saliency stage stores beside its scores (times the one-hot input: the scores).
* ism: tangermeme's saturation mutagenesis of the explained class's logit (minus the
  mean logit, so two classes give the usual logit margin), each position's four effects
  centred on their mean (tangermeme's `hypothetical=True` aggregation).
* attention: a score per position with no counterfactual base, so its hypothetical track
  is its observed one. The softmax weights are all positive and sum to one, which would
  make every position a positive seqlet candidate: the score is read relative to the
  uniform weight, (a - 1/n) * n over a row's n real positions (0 = uniform, 1 = twice it).
"""

from __future__ import annotations

import numpy as np


def attention_hypothetical(scores: np.ndarray, onehot: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """(N, 4, L) from attention scores (N, L) and float one-hot (N, 4, L); padding gets 0."""
    scores = np.asarray(scores, dtype=np.float64)
    if valid is None:
        valid = np.ones(scores.shape, dtype=bool)
    n = np.maximum(valid.sum(axis=1, keepdims=True), 1)
    relative = np.where(valid, (scores - 1.0 / n) * n, 0.0)
    return (np.asarray(onehot) * relative[:, None, :]).astype(np.float32)


def stored_hypothetical(saliency: dict, source: str = "saliency file") -> np.ndarray:
    """The per-base contributions (N, 4, L) stored in an IG (path-averaged gradient) or
    DeepLIFT/SHAP (hypothetical contributions) saliency file."""
    if "hypothetical" not in saliency:
        raise ValueError(f"{source}: holds no per-base contributions ('hypothetical'); rerun its saliency job "
                         f"(files written before the motifs stage lack them)")
    return np.asarray(saliency["hypothetical"], dtype=np.float32)


def margin_effects(y0: np.ndarray, y_hat: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Hypothetical ISM contributions (N, 4, L) from raw predictions.

    y0 (N, C) logits of the sequences, y_hat (N, 4, L, C) logits of each single-base
    substitution (the observed base's entry equals y0), targets (N,) the explained class.
    The readout is the target logit minus the mean logit; each position's four effects
    are centred on their mean.
    """
    y0 = np.asarray(y0, dtype=np.float64)
    y_hat = np.asarray(y_hat, dtype=np.float64)
    rows = np.arange(len(y0))
    readout0 = y0[rows, targets] - y0.mean(axis=1)
    readout = y_hat[rows, :, :, targets] - y_hat.mean(axis=3)
    effect = readout - readout0[:, None, None]
    return (effect - effect.mean(axis=1, keepdims=True)).astype(np.float32)


def saturation_mutagenesis(model, x: np.ndarray, targets: np.ndarray, batch_size: int = 256,
                           device: str = "cpu") -> np.ndarray:
    """tangermeme's in-silico saturation mutagenesis of `model` on float one-hot x (N, 4, L)
    for the explained classes `targets`; hypothetical contributions (N, 4, L)."""
    import torch
    from tangermeme.saturation_mutagenesis import saturation_mutagenesis as ism

    x = torch.as_tensor(np.asarray(x), dtype=torch.float32)
    result = ism(model, x, batch_size=batch_size, raw_outputs=True, device=device)
    y0, y_hat = (value.detach().cpu().numpy() for value in _raw(result))
    return margin_effects(y0, y_hat, np.asarray(targets, dtype=np.int64))


def _raw(result):
    """(y0, y_hat) of tangermeme's raw result, a tuple or a named result."""
    if isinstance(result, tuple):
        return result[0], result[1]
    return result.y0, result.y_hat
