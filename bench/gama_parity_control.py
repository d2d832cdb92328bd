"""Is the dependency benchmark's parity rule learnable when a model is handed its two inputs?

The generative LSTM learns the benchmark's pairs and decoys but not its parity triple
(r_c = table[(r_a + r_b) mod 20], no pairwise mutual information; its runs are made with
bench/gama_dependency_training.py). This control separates the rule from the sequence:
a one-hidden-layer MLP reads one-hot r_a and r_b of fresh samples of the same generator
(`DependencySet("parity", ...)`) and predicts r_c, trained with Adam on the cross-entropy
of r_c alone. It prints the learned fraction (ln 20 - NLL) / (ln 20 - H(r_c | r_a, r_b))
on a fresh test sample every `--report-every` steps. The MLP is written here, not taken
from the workflow, because it is the control: the workflow has no model that is given
the planted positions.

    OMP_NUM_THREADS=1 .venv/bin/python bench/gama_parity_control.py --snr 1.0 --seed 0
"""

from __future__ import annotations

import argparse
import math

import numpy as np
import torch

from seqattr.gama_validation.dependency_sets import (
    LN_RESIDUES,
    N_RESIDUES,
    DependencySet,
    mixture_entropy,
    residue_codes,
)


def parity_columns(dataset: DependencySet, n: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(one-hot r_a and r_b side by side (n, 40), r_c (n,)) of `n` fresh sequences."""
    (unit,) = dataset.units
    codes = residue_codes(dataset.sample(n, rng), dataset.length)[:, [p - 1 for p in unit.positions]]
    inputs = np.zeros((n, 2 * N_RESIDUES), dtype=np.float32)
    inputs[np.arange(n), codes[:, 0]] = 1
    inputs[np.arange(n), N_RESIDUES + codes[:, 1]] = 1
    return torch.from_numpy(inputs), torch.from_numpy(codes[:, 2])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--snr", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--length", type=int, default=12)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--report-every", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    dataset = DependencySet("parity", args.length, args.snr, args.seed)
    samples = np.random.default_rng([args.seed, 1])
    test_inputs, test_targets = parity_columns(dataset, 5_000, np.random.default_rng([args.seed, 0]))
    floor = mixture_entropy(args.snr)  # H(r_c | r_a, r_b): the parity unit's mixture entropy
    model = torch.nn.Sequential(torch.nn.Linear(2 * N_RESIDUES, args.hidden), torch.nn.Tanh(),
                                torch.nn.Linear(args.hidden, N_RESIDUES))
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    print(f"parity at {dataset.units[0].positions}, SNR {args.snr}, seed {args.seed}; MLP hidden {args.hidden}, "
          f"batch {args.batch_size}, lr {args.learning_rate}; H(r_c | r_a, r_b) = {floor:.4f} nats")
    print(f"{'step':>7s} {'test NLL':>9s} {'learned':>8s}")
    for step in range(1, args.steps + 1):
        inputs, targets = parity_columns(dataset, args.batch_size, samples)
        loss = torch.nn.functional.cross_entropy(model(inputs), targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if step % args.report_every == 0 or step == args.steps:
            with torch.no_grad():
                nll = float(torch.nn.functional.cross_entropy(model(test_inputs), test_targets))
            learned = (LN_RESIDUES - nll) / (LN_RESIDUES - floor) if not math.isclose(LN_RESIDUES, floor) else math.nan
            print(f"{step:7d} {nll:9.4f} {learned:8.3f}", flush=True)


if __name__ == "__main__":
    main()
