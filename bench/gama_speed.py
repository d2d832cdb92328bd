"""GAMA speed at the paper's settings: vectorised IG (this implementation) vs. the authors'
per-(output, token) backward loop.

    python bench/gama_speed.py            # hidden 1024, 11 residues, 500 Riemann steps

Prints per-sequence times of: the plain loop (timed on --loop-steps interpolation steps and
scaled linearly to --steps, as said in its line), exact mode at 500 Riemann steps,
authors_code mode, the default quadrature, and Captum's IntegratedGradients (one call per
output position). Checks loop and vectorised agree to 1e-4 on the loop's steps. The last
line is `speedup <loop / vectorised at equal numerics>`. Each variant runs at 1 and at
--threads threads and keeps its faster time (a busy machine slows multi-threaded small
backward passes a lot). Timings are wall-clock; nothing else should run meanwhile.
"""

from __future__ import annotations

import argparse
import time

import torch

from seqattr.gama import gama_ig, gama_ig_modes, gama_ig_readouts
from seqattr.generative.alphabet import N_TOKENS, tokenize
from seqattr.generative.lstm import GenerativeLSTM
from seqattr.generative.sets import synthetic_positive_set


def plain_loop(model, row, steps):
    """The authors' IG_sample_spc without the accumulation defect: one autograd.grad per
    (output j, token a) per Riemann step, on nn.LSTM; returns (T_out, T_in) like gama_ig."""
    embeds = torch.nn.functional.one_hot(row, N_TOKENS).float()
    length = len(row)
    total = torch.zeros(length, N_TOKENS, length, N_TOKENS)
    for alpha in torch.linspace(0.001, 1, steps):
        polation = (alpha * embeds).requires_grad_(True)
        out = model.forward_embedded(polation[None])
        for j in range(length):
            for a in range(N_TOKENS):
                (grad,) = torch.autograd.grad(out[0, j, a], polation, retain_graph=True)
                total[:, :, j, a] += grad
    total *= embeds[:, :, None, None] / steps
    return total[torch.arange(length), row].mean(-1).T


def best_time(function, thread_options):
    """(seconds, result, threads) of the fastest thread setting."""
    best = None
    for threads in thread_options:
        torch.set_num_threads(threads)
        started = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - started
        if best is None or seconds < best[0]:
            best = (seconds, result, threads)
    return best


def captum_exact(model, tokens, steps):
    from captum.attr import IntegratedGradients

    onehot = torch.nn.functional.one_hot(tokens, N_TOKENS).float()
    rows = []
    for j in range(tokens.shape[1]):
        ig = IntegratedGradients(lambda x, j=j: model.forward_embedded(x)[:, j].mean(-1))
        attribution = ig.attribute(onehot, baselines=torch.zeros_like(onehot), n_steps=steps,
                                   method="gausslegendre", internal_batch_size=steps * len(tokens))
        rows.append(attribution.gather(2, tokens[:, :, None])[:, :, 0])
    return torch.stack(rows, dim=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--residues", type=int, default=11)
    parser.add_argument("--steps", type=int, default=500, help="Riemann steps (the paper: 500)")
    parser.add_argument("--loop-steps", type=int, default=3, help="steps the loop is timed on, then scaled")
    parser.add_argument("--sequences", type=int, default=2, help="sequences for the vectorised timings")
    parser.add_argument("--default-steps", type=int, default=32, help="Gauss-Legendre nodes (the default)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    threads = sorted({1, args.threads})

    torch.manual_seed(0)
    model = GenerativeLSTM(args.hidden).eval()
    with torch.no_grad():
        model.nn.weight *= 50  # an untrained head gives IG of ~1e-3; scaled, the 1e-4 check means something
    frame, _ = synthetic_positive_set(args.residues, args.sequences, (2, 4), "AND", 1.0, seed=0)
    tokens = tokenize(frame.sequence.tolist())
    n = len(tokens)
    print(f"hidden {args.hidden}, {args.residues} residues + START/END, float32, threads tried {threads}, "
          f"torch {torch.__version__}")

    seconds, loop_result, t = best_time(lambda: plain_loop(model, tokens[0], args.loop_steps), threads)
    loop_per_sequence = seconds * args.steps / args.loop_steps
    print(f"plain loop: {seconds:.2f} s for {args.loop_steps} steps x {tokens.shape[1]} outputs x 22 tokens "
          f"({t} threads), scaled linearly to {args.steps} steps: {loop_per_sequence:.1f} s per sequence")
    check = gama_ig(model, tokens[:1], "exact", "riemann", args.loop_steps)[0]
    difference = (check - loop_result).abs().max().item()
    print(f"agreement with the loop on those {args.loop_steps} steps: max abs diff {difference:.2e} "
          f"({'ok' if difference <= 1e-4 else 'FAILS'} at 1e-4; values up to {loop_result.abs().max():.3f})")

    rows = n * args.steps
    seconds, reference, t = best_time(lambda: gama_ig(model, tokens, "exact", "riemann", args.steps, rows), threads)
    vectorised = seconds / n
    print(f"vectorised exact, {args.steps} Riemann steps: {vectorised:.2f} s per sequence ({t} threads, {n} sequences)")
    seconds, _, t = best_time(lambda: gama_ig_modes(model, tokens, ("exact", "authors_code"), "riemann", args.steps, rows),
                              threads)
    print(f"vectorised exact + authors_code together, {args.steps} Riemann steps: {seconds / n:.2f} s per sequence ({t} threads)")
    seconds, default, t = best_time(lambda: gama_ig(model, tokens, "exact", "gauss-legendre", args.default_steps),
                                    threads)
    print(f"vectorised exact, default quadrature (Gauss-Legendre, {args.default_steps} nodes): "
          f"{seconds / n:.3f} s per sequence ({t} threads)")
    exact = gama_ig(model, tokens, "exact", "gauss-legendre", 128)
    scale = exact.abs().max().item()
    print(f"quadrature error, max abs over the IG tensor (values up to {scale:.3f}): "
          f"Gauss-Legendre {args.default_steps} vs Riemann {args.steps}: {(default - reference).abs().max():.2e}; "
          f"vs Gauss-Legendre 128 (the integral): Gauss-Legendre {args.default_steps} "
          f"{(default - exact).abs().max():.2e}, Riemann {args.steps} {(reference - exact).abs().max():.2e}")
    seconds, captum, t = best_time(lambda: captum_exact(model, tokens, args.default_steps), threads)
    print(f"Captum IntegratedGradients, one call per output position, Gauss-Legendre {args.default_steps}: "
          f"{seconds / n:.3f} s per sequence ({t} threads); max abs diff to ours {(captum - default).abs().max():.2e}")
    # The readouts share one forward-mode pass: the authors_code mode and the log-probability
    # readout should cost little on top of exact (target: authors_code within 1.2x of exact).
    ratios = {}
    for name, scorings in (("authors_code", [("exact", "mean_logit"), ("authors_code", "mean_logit")]),
                           ("log_prob", [("exact", "mean_logit"), ("exact", "log_prob")])):
        pairs = []
        for _ in range(3):  # alternate, so drift of a shared machine hits both sides alike
            started = time.perf_counter()
            gama_ig_readouts(model, tokens, [("exact", "mean_logit")], "gauss-legendre", args.default_steps)
            alone = time.perf_counter() - started
            started = time.perf_counter()
            gama_ig_readouts(model, tokens, scorings, "gauss-legendre", args.default_steps)
            pairs.append((time.perf_counter() - started) / alone)
        ratios[name] = sorted(pairs)[1]
        print(f"exact + {name} together vs exact alone (Gauss-Legendre {args.default_steps}, median of 3 pairs): "
              f"{ratios[name]:.2f}x")
    print(f"speedup {loop_per_sequence / vectorised:.0f}")
    print(f"authors_code/exact {ratios['authors_code']:.2f}")


if __name__ == "__main__":
    main()
