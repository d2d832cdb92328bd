"""Time Integrated Gradients (Captum, 50 steps) on 3,000 x 200 nt on the CPU.

The target is under 2 minutes on 2 CPU cores. The models are the library's CNN and
AttnGen (seqattr.classify.models.build_model) with the demo config's hyperparameters
(config/config.yaml, defaults filled in from the schema). Untrained weights: the cost
does not depend on them.

    python bench/saliency_speed.py [--n 3000] [--length 200] [--steps 50] [--threads 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from seqattr.classify.models import build_model
from seqattr.config import SCHEMA, check_config_file
from seqattr.saliency.attribution import saliency_scores


def models(length: int):
    """The demo's CNN and AttnGen, untrained, for sequences of `length`."""
    classify = check_config_file(SCHEMA.parent / "config.yaml")["classify"]
    for name in ("cnn", "attngen"):
        yield f"seqattr.classify.models {name} (demo hyperparameters)", build_model(name, classify[name], length, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--internal-batch-size", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    codes = np.random.default_rng(0).integers(0, 4, size=(args.n, args.length))
    x = np.eye(4, dtype=np.float32)[codes].transpose(0, 2, 1).copy()
    print(f"IG, {args.steps} steps, {args.n} x {args.length} nt, {args.threads} threads, "
          f"{args.internal_batch_size} rows per pass")
    for name, model in models(args.length):
        model.eval()
        start, cpu_start = time.perf_counter(), time.process_time()
        result = saliency_scores(model, x, "ig", ig_steps=args.steps, ig_internal_batch_size=args.internal_batch_size)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        # On a shared machine the wall time depends on the other load; CPU seconds / threads
        # is what the same work takes when the cores are free.
        print(f"{name}: {seconds:.1f} s wall, {cpu:.1f} CPU s ({cpu / args.threads:.1f} s per thread), "
              f"{args.n / seconds:.0f} sequences/s, "
              f"mean |delta| {np.abs(result.delta).mean():.2g}; target < 120 s: {'met' if seconds < 120 else 'MISSED'}")


if __name__ == "__main__":
    main()
