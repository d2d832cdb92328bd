"""Integrated Gradients of the LSTM's output logits, vectorised over steps, outputs and sequences.

Layout (the authors' `ig_single_exp_2crit.py`): a sequence of L residues is the token row
[START, r_1..r_L, END] of T = L + 2 tokens, and the model reads all T of them. The result
of `gama_ig` is a tensor (N, T_out, T_in) with T_out = T_in = T, indexed by token index:

* input position p: token index p, so p = 1..L is residue position p (1-based), p = 0 is
  START and p = L + 1 is END;
* output position j: the logits computed after reading tokens 0..j, i.e. the prediction of
  token j + 1 (j = 0..L-1 predict r_1..r_L, j = L predicts END, j = L + 1 is the output
  after END, which training never uses but the authors' code attributes too).

Entry [n, j, p] is the IG, on the path from the all-zero input (`ig_start` zero), of output j's logits with respect to
the one-hot input at position p, taken at the token sequence n has there, averaged over
the 22 output tokens. Inputs after the output (p > j) get exactly 0.

Why hand-written rather than Captum's IntegratedGradients: Captum attributes one scalar
target per call, so the GAMA tensor needs one call per output position and readout (a
full forward and backward over all steps each); here one forward-mode pass per batch
carries the derivatives with respect to every input position along the sequence, and
every output's readouts are dot products with them. Captum also has no rule for the
paper's nodes linspace(0.001, 1, 500) with weights 1/500. bench/gama_speed.py compares
the two (speed and values); its results are in docs/results.md.
"""

from __future__ import annotations

import copy

import numpy as np
import torch

from seqattr.gama.vocabulary import AUTHORS_CODE, IG_STARTS, MODES, READOUTS, mode_has_readout
from seqattr.generative.alphabet import N_TOKENS
from seqattr.generative.lstm import GenerativeLSTM
from seqattr.runtime import resolve_device

QUADRATURES = ("gauss-legendre", "riemann")


def quadrature_rule(quadrature: str, steps: int, dtype=torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
    """Nodes alpha in (0, 1] and weights of the path integral.

    riemann: the authors' rule, nodes linspace(0.001, 1, steps), every weight 1/steps.
    gauss-legendre: Gauss-Legendre nodes and weights mapped to [0, 1].
    """
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    if quadrature == "riemann":
        nodes = torch.linspace(0.001, 1, steps, dtype=torch.float64)
        weights = torch.full((steps,), 1.0 / steps, dtype=torch.float64)
    elif quadrature == "gauss-legendre":
        x, w = np.polynomial.legendre.leggauss(steps)
        nodes, weights = torch.from_numpy((x + 1) / 2), torch.from_numpy(w / 2)
    else:
        raise ValueError(f"quadrature {quadrature!r}: allowed {QUADRATURES}")
    return nodes.to(dtype), weights.to(dtype)


def _gate_bias(model: GenerativeLSTM) -> torch.Tensor:
    return (model.lstm.bias_ih_l0 + model.lstm.bias_hh_l0).detach()


def _integrated_observed_gradients(model, tokens, nodes, weights, readouts: list, batch_size: int,
                                   ig_start: str = "zero") -> torch.Tensor:
    """sum_k w_k * d(readout_r(h_j))/dx[p, tokens[n, p]] at alpha_k * onehot(tokens_n):
    shape (R, N, T_out, T_in). Rows of the batch are (sequence, node) pairs.

    The interpolated input at p is a_p * e_{token_p} with a_p = alpha, so its gate input is
    a_p * W_ih[:, token_p]; the gradient with respect to the scalar a_p is exactly the
    gradient at the observed token. These derivatives are carried FORWARD through the
    LSTM recurrence (forward-mode differentiation, written out because the cell is
    simple): at step t the tangents dh_t/da_p of every input p <= t are one (t + 1, B, H)
    tensor, so after the step every output readout is a dot product with them. A readout
    is a fixed vector v (the scalar v . h_t) or the string "log_prob": log
    softmax(logits_t)[token t + 1], whose gradient with respect to h_t is
    W^T (onehot(token t + 1) - softmax(logits_t)) at the row's own state. So every readout
    (the paper's mean logit, the authors' accumulated one, the log-probability) costs one
    dot product more, not one backward pass more (reverse mode would need one backward
    pass per output and readout).
    """
    n, length = tokens.shape
    k = len(nodes)
    dtype = weights.dtype
    device = tokens.device
    result = torch.zeros(len(readouts), n, length, length, dtype=dtype, device=device)
    if n == 0:
        return result
    w_hh = model.lstm.weight_hh_l0.detach()
    token_columns = model.lstm.weight_ih_l0.detach().T  # (22, 4H)
    head_weight, head_bias = model.nn.weight.detach(), model.nn.bias.detach()
    bias = _gate_bias(model)
    # The path runs from its start (`ig_start`) to the input: gate input = start + alpha * step.
    # zero (the paper): start 0, step = the token's column. mean_residue: a residue starts
    # from the mean of the 20 residue columns, so its attribution is what this residue adds
    # over an average one, not the presence of any residue; START and END stay as they are
    # (step 0, so they get no attribution).
    if ig_start == "zero":
        starts, steps_of = torch.zeros_like(token_columns), token_columns
    elif ig_start == "mean_residue":
        residue = torch.zeros(N_TOKENS, dtype=torch.bool, device=device)
        residue[1:N_TOKENS - 1] = True
        mean_residue = token_columns[residue].mean(0)
        starts = torch.where(residue[:, None], mean_residue, token_columns)
        steps_of = token_columns - starts
    else:
        raise ValueError(f"ig_start {ig_start!r}: allowed {IG_STARTS}")
    fixed = [r for r in readouts if not isinstance(r, str)]
    fixed_matrix = torch.stack(fixed, dim=1) if fixed else None  # (H, R_fixed)
    pairs = torch.cartesian_prod(torch.arange(n, device=device), torch.arange(k, device=device)).view(-1, 2)
    with torch.no_grad():
        for start in range(0, len(pairs), batch_size):
            seq_index, node_index = pairs[start:start + batch_size].unbind(1)
            batch_tokens = tokens[seq_index]
            columns, offsets = steps_of[batch_tokens], starts[batch_tokens] + bias  # (B, T, 4H)
            alpha = nodes[node_index][:, None]
            row_weights = weights[node_index]
            # Tangents of every input position so far, position-major so that the first t
            # positions are one contiguous block, in buffers reused across steps.
            rows = len(seq_index)
            dh_all = torch.zeros(length, rows, w_hh.shape[1], dtype=dtype, device=device)
            dc_all = torch.zeros_like(dh_all)
            dpre_all = torch.empty(length, rows, w_hh.shape[0], dtype=dtype, device=device)
            h = c = None
            for t in range(length):
                pre = alpha * columns[:, t] + offsets[:, t]
                if h is not None:
                    pre = pre + h @ w_hh.T
                    torch.matmul(dh_all[:t], w_hh.T, out=dpre_all[:t])
                dpre_all[t] = columns[:, t]  # d pre_t / d a_t
                i, f, g, o = pre.chunk(4, dim=-1)  # PyTorch's gate order
                i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
                di, df, dg, do = dpre_all[: t + 1].chunk(4, dim=-1)
                dc = dc_all[: t + 1]
                # c_t = f c_{t-1} + i g: each gate's derivative times what it multiplies
                if c is None:
                    torch.mul(di, i * (1 - i) * g, out=dc)
                    c = i * g
                else:
                    dc.mul_(f)
                    dc.addcmul_(df, f * (1 - f) * c)
                    dc.addcmul_(di, i * (1 - i) * g)
                    c = f * c + i * g
                dc.addcmul_(dg, i * (1 - g * g))
                tanh_c = torch.tanh(c)
                h = o * tanh_c
                dh = dh_all[: t + 1]  # h_t = o tanh(c_t)
                torch.mul(do, o * (1 - o) * tanh_c, out=dh)
                dh.addcmul_(dc, o * (1 - tanh_c * tanh_c))
                values = []
                fixed_values = dh @ fixed_matrix if fixed_matrix is not None else None  # (t + 1, B, R_fixed)
                next_fixed = 0
                for readout in readouts:
                    if not isinstance(readout, str):
                        values.append(fixed_values[..., next_fixed])
                        next_fixed += 1
                    elif t + 1 >= length:  # "log_prob" of the output after END: nothing to predict
                        values.append(torch.zeros_like(dh[..., 0]))
                    else:
                        probabilities = torch.softmax(h @ head_weight.T + head_bias, dim=-1)
                        observed = torch.nn.functional.one_hot(batch_tokens[:, t + 1], N_TOKENS).to(h.dtype)
                        direction = (observed - probabilities) @ head_weight  # (B, H)
                        values.append((dh * direction).sum(-1))
                stacked = (torch.stack(values) * row_weights).transpose(1, 2)  # (R, B, t + 1)
                for r in range(len(readouts)):
                    result[r, :, t, : t + 1].index_add_(0, seq_index, stacked[r])
    return result


def gama_ig_readouts(model: GenerativeLSTM, tokens: torch.Tensor, scorings=(("exact", "mean_logit"),),
                     quadrature: str = "gauss-legendre", steps: int = 32, batch_size: int = 4096,
                     device: str = "auto", ig_start: str = "zero") -> dict[tuple[str, str], torch.Tensor]:
    """IG tensors (N, T_out, T_in) for each (mode, readout) of `scorings`, all from one set
    of backward passes. Readouts: "mean_logit" (the paper: the mean of output j's 22
    logits) or "log_prob" (the log-probability of the observed next token, the quantity
    training fits; a softmax model is blind to a shift of all its logits, so their mean is
    not constrained by training). Mode "authors_code" exists for mean_logit only (it is the
    authors' accumulation over their 22-token loop). Computed on `device` (auto: CUDA when
    present); the tensors come back on the CPU.
    """
    scorings = [tuple(s) for s in scorings]
    for mode, readout in scorings:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r}: allowed {MODES}")
        if readout not in READOUTS:
            raise ValueError(f"readout {readout!r}: allowed {READOUTS}")
        if not mode_has_readout(mode, readout):
            raise ValueError(f"mode {AUTHORS_CODE!r} is the authors' mean-logit loop; use readout 'mean_logit'")
    target = resolve_device(device)
    if next(model.parameters()).device != target:
        model = copy.deepcopy(model).to(target)  # the caller's model stays where it was
    tokens = tokens.to(target)
    dtype = model.nn.weight.dtype
    nodes, weights = (tensor.to(target) for tensor in quadrature_rule(quadrature, steps, dtype))
    head = model.nn.weight.detach()  # (22, H)
    needed = {readout for _, readout in scorings}
    if any(mode == AUTHORS_CODE for mode, _ in scorings):
        needed |= {"mean_logit", "authors_code_extra"}
    names = [name for name in ("mean_logit", "authors_code_extra", "log_prob") if name in needed]
    vectors = {"mean_logit": head.mean(0)}  # d mean_a logit[j, a]
    # The authors' loop visits tokens a = 0..21 of output j after every earlier output
    # j' < j without clearing the input's .grad, so entry (j, a) holds the sum of the
    # gradients of every (j', a') visited so far. Averaged over a, that is the
    # token-summed gradient of every earlier output plus output j's logits weighted by
    # (22 - a) / 22: one extra readout per output.
    token_weights = (N_TOKENS - torch.arange(N_TOKENS, dtype=dtype, device=target)) / N_TOKENS
    vectors["authors_code_extra"] = token_weights @ head
    readouts = [vectors.get(name, name) for name in names]
    # x - start = 1 at the observed token (from the zero start), so the IG there is the integral itself
    integrals = _integrated_observed_gradients(model, tokens, nodes, weights, readouts, batch_size, ig_start)
    by_name = dict(zip(names, integrals))
    result = {}
    for mode, readout in scorings:
        if mode == "exact":
            result[(mode, readout)] = by_name[readout]
        else:
            mean_logit = by_name["mean_logit"]
            earlier = N_TOKENS * (torch.cumsum(mean_logit, dim=1) - mean_logit)  # sum over j' < j
            result[(mode, readout)] = earlier + by_name["authors_code_extra"]
    return {key: tensor.cpu() for key, tensor in result.items()}


def gama_ig_modes(model: GenerativeLSTM, tokens: torch.Tensor, modes=("exact",), quadrature: str = "gauss-legendre",
                  steps: int = 32, batch_size: int = 4096, device: str = "auto") -> dict[str, torch.Tensor]:
    """`gama_ig` (the paper's mean-logit readout) for several modes at once, sharing passes."""
    for mode in modes:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r}: allowed {MODES}")
    tensors = gama_ig_readouts(model, tokens, [(mode, "mean_logit") for mode in modes], quadrature, steps,
                               batch_size, device)
    return {mode: tensors[(mode, "mean_logit")] for mode in modes}


def gama_ig(model: GenerativeLSTM, tokens: torch.Tensor, mode: str = "exact", quadrature: str = "gauss-legendre",
            steps: int = 32, batch_size: int = 4096, device: str = "auto") -> torch.Tensor:
    """IG tensor (N, T_out, T_in), T = L + 2 token positions (layout in the module docstring).

    mode "exact": IG of each output position's logits on its own, averaged over the 22
    output tokens. mode "authors_code": what the authors' `IG_sample_spc` computes, whose
    input .grad accumulates across the (output, token) loop (see gama_ig_modes).
    quadrature: "gauss-legendre" (default; `steps` nodes) or "riemann" (the paper: 500
    nodes linspace(0.001, 1, 500), weights 1/500). `batch_size` bounds the (sequence, node)
    rows per forward pass. Computed in the model's dtype on `device` (auto: CUDA when
    present); returned on the CPU.
    """
    return gama_ig_modes(model, tokens, (mode,), quadrature, steps, batch_size, device)[mode]

