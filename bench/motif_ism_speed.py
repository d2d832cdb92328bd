"""Time tangermeme's in-silico saturation mutagenesis against Captum's Integrated
Gradients (50 steps, multiply_by_inputs=False, as the saliency stage runs it) on the same
sequences, on the CPU.

The models are the library's CNN and AttnGen (seqattr.classify.models.build_model) with
the demo config's hyperparameters; untrained weights (the cost does not depend on them).
Both give per-base hypothetical contributions (N, 4, L): IG the path-averaged gradient,
ISM the effect of each of the 3 L substitutions.

    python bench/motif_ism_speed.py [--n 1000] [--length 200] [--steps 50] [--threads 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from seqattr.classify.models import build_model
from seqattr.config import SCHEMA, check_config_file
from seqattr.motifs.contributions import saturation_mutagenesis
from seqattr.saliency.attribution import integrated_gradients, predict


def timed(function):
    start, cpu_start = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - start, time.process_time() - cpu_start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--ism-batch-size", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    codes = np.random.default_rng(0).integers(0, 4, size=(args.n, args.length))
    x = np.eye(4, dtype=np.float32)[codes].transpose(0, 2, 1).copy()
    classify = check_config_file(SCHEMA.parent / "config.yaml")["classify"]
    print(f"{args.n} x {args.length} nt, {args.threads} threads; IG {args.steps} steps, 1024 rows per pass; "
          f"ISM batch {args.ism_batch_size}")
    for name in ("cnn", "attngen"):
        model = build_model(name, classify[name], args.length, 2).eval()
        xt = torch.as_tensor(x)
        targets = predict(model, xt)
        _, ig_wall, ig_cpu = timed(lambda: integrated_gradients(model, xt, torch.as_tensor(targets), args.steps,
                                                                hypothetical=True))
        _, ism_wall, ism_cpu = timed(lambda: saturation_mutagenesis(model, x, targets,
                                                                    batch_size=args.ism_batch_size))
        print(f"{name} (demo hyperparameters): IG {ig_wall:.1f} s wall ({ig_cpu:.1f} CPU s), "
              f"ISM {ism_wall:.1f} s wall ({ism_cpu:.1f} CPU s): ISM / IG = {ism_wall / ig_wall:.2f} (wall), "
              f"{ism_cpu / ig_cpu:.2f} (CPU)")


if __name__ == "__main__":
    main()
