"""How long the generative LSTM takes to reach the entropy floor of synthetic sets.

For AND, OR and XOR with 2, 3 and 4 implanted positions (the paper's first position set
of each size), clean or paper protocol, trains the LSTM until its held-out NLL is within
the tolerance of the generator's own NLL on the same sequences, and prints epochs,
seconds and the final excess. With --hidden 1024 --max-epochs 1 it times one epoch at
the paper's model size instead.

    .venv/bin/python bench/generative_convergence.py --threads 2
"""

from __future__ import annotations

import argparse
import time

import torch

from seqattr.gama_validation.experiments import Experiment
from seqattr.gama_validation.grid import experiment_set
from seqattr.generative.engine import train_lstm
from seqattr.generative.entropy import entropy_floor, true_token_nll

POSITIONS = {2: (2, 4), 3: (2, 4, 6), 4: (2, 3, 4, 5)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--protocol", choices=["clean", "paper"], default="clean")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--snr", type=float, default=0.5)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--max-epochs", type=int, default=60)
    parser.add_argument("--tolerance", type=float, default=0.01)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"{args.protocol} protocol, n {args.n}, SNR {args.snr}, hidden {args.hidden}, {args.threads} threads, "
          f"tolerance {args.tolerance} nats/token, lr 3e-3, batch 64")
    for logic in ("AND", "OR", "XOR"):
        for k, positions in POSITIONS.items():
            experiment = Experiment(logic, positions, args.snr, 0, 16, args.n)
            frame, truth, weight, _ = experiment_set(experiment, args.protocol, n_attributed=None)
            sequences = frame["sequence"].tolist()
            reference = true_token_nll(sequences, args.protocol, logic, positions, truth["token"].tolist(), weight)
            started = time.perf_counter()
            _, _, history = train_lstm(sequences, {"hidden_size": args.hidden, "max_epochs": args.max_epochs,
                                                   "batch_size": 64, "learning_rate": 3e-3, "patience": 6,
                                                   "tolerance": args.tolerance, "device": "cpu"}, 0, true_nll=reference)
            seconds = time.perf_counter() - started
            best = history.loc[history["val_nll"].idxmin()]
            floor = entropy_floor(args.protocol, logic, 16, k, weight)
            gap = 16 * torch.log(torch.tensor(20.0)).item() / 17 - floor
            print(f"{logic} {positions}: floor {floor:.4f} (signal {gap:.4f} nats/token below uniform), "
                  f"{len(history)} epochs, {seconds:.1f} s ({seconds / len(history):.1f} s/epoch), excess "
                  f"{best['excess_nll']:.4f}: {'converged' if best['excess_nll'] <= args.tolerance else 'NOT converged'}")


if __name__ == "__main__":
    main()
