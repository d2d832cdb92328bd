"""How concentrated a run's attention is: per AttnGen classifier, the share of its
(receptive-field-spread) attention mass on the top 20% of each sequence's positions
(0.2 for uniform weights) and the largest weight over the mean weight, averaged over the
evaluation sequences; then the range over seeds per mask ratio.

    .venv/bin/python bench/attention_concentration.py results/enhancers

Reads the saliency stage's attention files (saliency/{dataset}/attngen_r*_s*.attention.npz).
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

import numpy as np

STEM = re.compile(r"attngen_r(?P<ratio>[0-9.]+)_s(?P<seed>\d+)\.attention\.npz$")


def concentration(scores: np.ndarray, fraction: float = 0.2) -> tuple[float, float]:
    """(mean share of each row's mass on its top `fraction` of positions, mean max/mean)."""
    k = max(1, int(round(fraction * scores.shape[1])))
    top = np.sort(scores, axis=1)[:, ::-1][:, :k].sum(axis=1) / scores.sum(axis=1)
    return float(top.mean()), float((scores.max(axis=1) / scores.mean(axis=1)).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a run's results folder, e.g. results/enhancers")
    parser.add_argument("--fraction", type=float, default=0.2)
    args = parser.parse_args()
    by_ratio = defaultdict(list)
    for path in sorted(args.results.glob("saliency/*/attngen_r*_s*.attention.npz")):
        match = STEM.search(path.name)
        with np.load(path) as data:
            by_ratio[(path.parent.name, float(match["ratio"]))].append(concentration(data["scores"], args.fraction))
    print(f"dataset\tmask_ratio\tseeds\tmass_in_top_{args.fraction:g}\tmax_over_mean")
    for (dataset, ratio), values in sorted(by_ratio.items()):
        values = np.array(values)
        print(f"{dataset}\t{ratio:g}\t{len(values)}\t{values[:, 0].min():.3f}-{values[:, 0].max():.3f}\t"
              f"{values[:, 1].min():.2f}-{values[:, 1].max():.2f}")


if __name__ == "__main__":
    main()
