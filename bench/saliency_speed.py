"""Time Integrated Gradients (Captum, 50 steps) on 3,000 x 200 nt on the CPU.

Target (issue 4): under 2 minutes on 2 CPU cores. Uses the project's CNN and AttnGen
from seqattr.classify.models.build_model (with the demo config's hyperparameters) when present; otherwise a stand-in CNN of the same
shape (the genomic-benchmarks baseline: three Conv1d blocks 16/8/4, kernel 8, BatchNorm,
max-pool 2, Linear 512), and says so. Untrained weights: the cost does not depend on them.

    python bench/saliency_speed.py [--n 3000] [--length 200] [--steps 50] [--threads 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # this checkout's library

from seqattr.saliency.attribution import saliency_scores  # noqa: E402


def stand_in_cnn(length: int, n_classes: int = 2) -> nn.Module:
    layers, channels, size = [], 4, length
    for out in (16, 8, 4):
        layers += [nn.Conv1d(channels, out, 8, padding="same"), nn.BatchNorm1d(out), nn.ReLU(), nn.MaxPool1d(2)]
        channels, size = out, size // 2
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(channels * size, 512), nn.ReLU(), nn.Linear(512, n_classes))


def demo_model_configs() -> dict:
    """The classify section of config/config.yaml with the schema's defaults filled in."""
    import yaml
    from snakemake.utils import validate

    root = Path(__file__).resolve().parents[1]
    config = yaml.safe_load((root / "config" / "config.yaml").read_text())
    validate(config, str(root / "config" / "schema.yaml"))
    return config.get("classify", {})


def models(length: int):
    try:
        from seqattr.classify.models import build_model
    except ImportError:
        yield "stand-in CNN (seqattr.classify.models not available)", stand_in_cnn(length)
        return
    configs = demo_model_configs()
    for name in ("cnn", "attngen"):
        yield f"seqattr.classify.models {name} (demo hyperparameters)", build_model(name, configs.get(name, {}), length, 2)


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
