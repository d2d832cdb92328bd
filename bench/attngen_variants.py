"""AttnGen (and CNN) training variants on the real enhancer set, one line each: test
accuracy, epochs, whether early stopping ended the run, how concentrated the attention is,
and the accuracy left after removing the top vs a random 20% of positions by attention.

The split is config/enhancers.yaml's (seeded stratified 25% of the shared
human_enhancers_cohn table); the model and training settings are that config's unless a
variant overrides them. A variant is MODEL:RATIO:SEED:JSON, where JSON overrides training
keys and, under "model", the model's hyperparameters. Used for the "what was tried" part
of docs/results.md's enhancer section, e.g.

    .venv/bin/python bench/attngen_variants.py 'attngen:0.1:0:{}' 'attngen:0.1:0:{"batch_size": 64}' \\
        'attngen:0.2:0:{"model": {"masking": "input"}}' 'cnn:0:0:{"batch_size": 64}'

One thread per process; run two processes side by side on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import yaml

from seqattr.classify.engine import TrainingConfig, train_classifier
from seqattr.classify.models import build_model
from seqattr.config import validate_config
from seqattr.data.encoding import encode_split
from seqattr.data.sources import load_dataset
from seqattr.runtime import seed_everything, seeded_subsample
from seqattr.saliency.perturbation import accuracy, remove_positions

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", help="MODEL:RATIO:SEED:JSON")
    parser.add_argument("--config", default=str(REPO / "config" / "enhancers.yaml"))
    parser.add_argument("--n-eval", type=int, default=1000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    config = yaml.safe_load(Path(args.config).read_text())
    validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")
    (name, spec), = config["datasets"].items()
    spec["local"]["train"] = str((REPO / spec["local"]["train"]).resolve())
    splits = load_dataset(spec)
    train = encode_split(splits.train, splits.classes, spec["length"], "centre", "zero", "train")
    test = encode_split(splits.test, splits.classes, spec["length"], "centre", "zero", "test")
    x, y = torch.from_numpy(train.as_float()), torch.from_numpy(train.labels)
    x_test, y_test = test.as_float(), test.labels
    index = seeded_subsample(len(test), args.n_eval, 0)
    x_eval, y_eval = x_test[index], y_test[index]
    classify = config["classify"]
    for variant in args.variants:
        model_name, ratio, seed, overrides = variant.split(":", 3)
        overrides = json.loads(overrides or "{}")
        model_config = {**classify[model_name], **overrides.pop("model", {})}
        settings = TrainingConfig.from_dict({**classify, **overrides, "mask_ratio": float(ratio), "seed": int(seed),
                                             "threads": 1, "device": "cpu"})
        seed_everything(settings.seed, 1)
        start = time.perf_counter()
        result = train_classifier(build_model(model_name, model_config, spec["length"], len(splits.classes)), x, y,
                                  settings, progress=False)
        model = result.model.eval()
        line = (f"{variant} | {time.perf_counter() - start:.0f} s, epochs {len(result.history)}, best {result.best_epoch}, "
                f"stopped early {result.stopped_early}, test {accuracy(model, x_test, y_test):.4f}")
        if hasattr(model, "importance"):
            with torch.no_grad():
                scores = model.importance(torch.from_numpy(x_eval)).numpy()
            k = int(0.2 * scores.shape[1])
            mass = np.sort(scores, axis=1)[:, ::-1][:, :k].sum(axis=1).mean()
            removed = {order: accuracy(model, remove_positions(x_eval, scores, 0.2, order,
                                                               rng=np.random.default_rng(1)), y_eval)
                       for order in ("top", "random")}
            line += (f", intact {accuracy(model, x_eval, y_eval):.3f}, top 20% removed {removed['top']:.3f}, "
                     f"random 20% removed {removed['random']:.3f}, attention mass in the top 20% {mass:.3f}")
        print(line, flush=True)


if __name__ == "__main__":
    main()
