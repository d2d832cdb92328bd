"""How concentrated a run's attention is.

Test sequences (the default): per AttnGen classifier, the share of its
(receptive-field-spread) attention mass on the top 20% of each sequence's positions
(0.2 for uniform weights) and the largest weight over the mean weight, averaged over the
saliency stage's evaluation sequences; then the range over seeds per mask ratio.

    .venv/bin/python bench/attention_concentration.py results/enhancers

Reads the saliency stage's attention files (saliency/{dataset}/attngen_r*_s*.attention.npz).

Validation split (`--validation`): per trained AttnGen checkpoint of the run, on the
validation split its training held out (recomputed from the checkpoint's seed and
fraction, as the evaluate rule does): accuracy, the same two concentration numbers, the
accuracy after zeroing the top 20% of positions by attention and after zeroing a random
20%, and the top removal's share of the way to chance (chance: the majority class's
share). What a concentrating option is chosen on without touching the test split.

    .venv/bin/python bench/attention_concentration.py --validation results/enhancers_sparsemax

Against another run (`--against`): the test accuracy of each AttnGen ratio of the run minus
that of the same ratio in the other run (say, the paper's attention), averaged over the
seeds both have, with the bootstrap interval over test sequences that comparison.tsv
gives against the CNN, and the seed-paired t interval and p (scipy's ttest_rel).

    .venv/bin/python bench/attention_concentration.py results/enhancers_concentrating \
        --against results/enhancers_paper_r0.15
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

import numpy as np

STEM = re.compile(r"attngen_r(?P<ratio>[0-9.]+)_s(?P<seed>\d+)\.attention\.npz$")
CHECKPOINT = re.compile(r"attngen_r(?P<ratio>[0-9.]+)_s(?P<seed>\d+)\.pt$")


def concentration(scores: np.ndarray, fraction: float = 0.2) -> tuple[float, float]:
    """(mean share of each row's mass on its top `fraction` of positions, mean max/mean)."""
    k = max(1, int(round(fraction * scores.shape[1])))
    top = np.sort(scores, axis=1)[:, ::-1][:, :k].sum(axis=1) / scores.sum(axis=1)
    return float(top.mean()), float((scores.max(axis=1) / scores.mean(axis=1)).mean())


def share_to_chance(intact: float, removed: float, chance: float) -> float:
    """How far removal takes accuracy from intact towards chance (0: no cost, 1: chance)."""
    return (intact - removed) / (intact - chance)


def test_concentration(results: Path, fraction: float) -> None:
    by_ratio = defaultdict(list)
    for path in sorted(results.glob("saliency/*/attngen_r*_s*.attention.npz")):
        match = STEM.search(path.name)
        with np.load(path) as data:
            by_ratio[(path.parent.name, float(match["ratio"]))].append(concentration(data["scores"], fraction))
    print(f"dataset\tmask_ratio\tseeds\tmass_in_top_{fraction:g}\tmax_over_mean")
    for (dataset, ratio), values in sorted(by_ratio.items()):
        values = np.array(values)
        print(f"{dataset}\t{ratio:g}\t{len(values)}\t{values[:, 0].min():.3f}-{values[:, 0].max():.3f}\t"
              f"{values[:, 1].min():.2f}-{values[:, 1].max():.2f}")


def validation_concentration(results: Path, fraction: float) -> None:
    import torch

    from seqattr.classify.engine import validation_split
    from seqattr.classify.models import load_checkpoint, read_checkpoint
    from seqattr.data.encoding import load_encoded
    from seqattr.saliency.perturbation import accuracy, remove_positions

    torch.set_num_threads(1)
    print(f"run\tdataset\tmask_ratio\tseed\tconcentration\tval_accuracy\tmass_in_top_{fraction:g}\tmax_over_mean\t"
          f"top_removed_accuracy\trandom_removed_accuracy\tchance\ttop_share_to_chance")
    for path in sorted(results.glob("models/*/attngen_r*_s*.pt")):
        match = CHECKPOINT.search(path.name)
        checkpoint = read_checkpoint(path)
        model = load_checkpoint(path)
        training = checkpoint["extra"]["training"]
        encoded = load_encoded(results / "encoded" / path.parent.name / "train.npz")
        _, index = validation_split(len(encoded), training["val_fraction"], training["seed"])
        x, labels, valid = encoded.as_float()[index], encoded.labels[index], encoded.mask[index]
        scores = model.importance(torch.from_numpy(x)).numpy()
        mass, peak = concentration(np.where(valid, scores, 0.0), fraction)
        intact = accuracy(model, x, labels)
        top = accuracy(model, remove_positions(x, scores, fraction, "top", valid=valid), labels)
        random = accuracy(model, remove_positions(x, scores, fraction, "random", rng=np.random.default_rng(0),
                                                  valid=valid), labels)
        chance = float(np.bincount(labels).max() / len(labels))
        option = checkpoint["model_config"].get("concentration", "none")
        strength = {k: v for k, v in checkpoint["model_config"].items() if k in ("entropy_penalty", "temperature")}
        label = option + "".join(f" {k}={v:g}" for k, v in strength.items())
        print(f"{results.name}\t{path.parent.name}\t{match['ratio']}\t{match['seed']}\t{label}\t{intact:.4f}\t"
              f"{mass:.3f}\t{peak:.2f}\t{top:.4f}\t{random:.4f}\t{chance:.4f}\t"
              f"{share_to_chance(intact, top, chance):.2f}")


def paired_against(results: Path, reference: Path) -> None:
    import pandas as pd
    from scipy import stats

    from seqattr.classify.comparison import CONFIDENCE, correct_matrix, paired_bootstrap, seed_paired_p
    from seqattr.classify.summary_steps import read_metrics
    from seqattr.io import read_table

    def test_rows(run: Path) -> pd.DataFrame:
        table = read_metrics(run / "metrics" / "classification.tsv")
        return table[(table["split"] == "test") & (table["model"] == "attngen")].set_index(
            ["dataset", "mask_ratio", "seed"])["accuracy"]

    def predictions(run: Path, dataset: str, ratio: str, seed: int) -> pd.DataFrame:
        path = run / "metrics" / dataset / f"attngen_r{ratio}_s{seed}.predictions.tsv.gz"
        return read_table(path, dtype={"id": str})

    mine, theirs = test_rows(results), test_rows(reference)
    print("dataset\tmask_ratio\tseeds\taccuracy\treference_accuracy\tdifference\tbootstrap_low\tbootstrap_high\t"
          "seed_paired_low\tseed_paired_high\tp_seed_paired")
    for (dataset, ratio), accuracy in mine.groupby(level=["dataset", "mask_ratio"]):
        accuracy = accuracy.droplevel(["dataset", "mask_ratio"])
        if (dataset, ratio) not in theirs.droplevel("seed").index:
            continue
        other = theirs.loc[(dataset, ratio)]
        seeds = sorted(accuracy.index.intersection(other.index))
        difference, low, high = paired_bootstrap(
            correct_matrix([predictions(results, dataset, ratio, s) for s in seeds]),
            correct_matrix([predictions(reference, dataset, ratio, s) for s in seeds]))
        per_seed = (accuracy[seeds] - other[seeds]).to_numpy()
        if len(seeds) > 1:
            half = stats.t.ppf(0.5 + CONFIDENCE / 2, len(seeds) - 1) * per_seed.std(ddof=1) / len(seeds) ** 0.5
        else:
            half = float("nan")
        mean = per_seed.mean()
        print(f"{dataset}\t{ratio}\t{len(seeds)}\t{accuracy[seeds].mean():.4f}\t{other[seeds].mean():.4f}\t"
              f"{difference:+.4f}\t{low:+.4f}\t{high:+.4f}\t{mean - half:+.4f}\t{mean + half:+.4f}\t"
              f"{seed_paired_p(accuracy[seeds], other[seeds]):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, nargs="+", help="a run's results folder, e.g. results/enhancers")
    parser.add_argument("--fraction", type=float, default=0.2)
    parser.add_argument("--validation", action="store_true",
                        help="measure each AttnGen checkpoint on its validation split (with the removal test)")
    parser.add_argument("--against", type=Path, help="another run: test accuracy differences of its AttnGen")
    args = parser.parse_args()
    for results in args.results:
        if args.against:
            paired_against(results, args.against)
        elif args.validation:
            validation_concentration(results, args.fraction)
        else:
            test_concentration(results, args.fraction)


if __name__ == "__main__":
    main()
