"""The classification stage's training and evaluation steps, one per rule: files in, files out (the
summary rules' steps, without torch, are in summary_steps.py). The rule scripts
pass their paths, wildcards and the `classify` config section; everything else is built here.
"""

from __future__ import annotations

import logging

import pandas as pd
import torch

from seqattr.classify import TRAINING_KEYS, attention_options
from seqattr.classify.engine import (HISTORY_FILE_COLUMNS, TrainingConfig, train_classifier, training_summary,
                                     training_timing)
from seqattr.classify.evaluation import evaluate_model
from seqattr.classify.models import build_model, expectation, load_checkpoint, read_checkpoint, save_checkpoint
from seqattr.data.canonical import read_classes
from seqattr.data.encoding import load_encoded
from seqattr.io import write_table
from seqattr.runtime import resolve_device, seed_everything, set_threads

log = logging.getLogger(__name__)


def train(train_path, classes_path, model_path, history_path, timing_path, *, classify: dict, model: str,
          mask_ratio, seed, dataset: str, threads: int = 1):
    """Train one classifier on an encoded train split; write its history, its wall-clock
    timing and its checkpoint (which declares `dataset`, the classes and the input length).
    An AttnGen also reads `classify["attention"]` (its concentration; absent: the paper's).

    The checkpoint is written last and atomically, so a job killed mid-way leaves no
    model file that Snakemake (or a reader) could take as complete.
    """
    config = TrainingConfig.from_dict({**{k: classify[k] for k in TRAINING_KEYS if k in classify},
                                       "mask_ratio": float(mask_ratio), "seed": int(seed), "threads": threads})
    model_config = classify.get(model) or {}
    if model == "attngen":  # the concentrating attention, when `classify.attention` asks for one
        model_config = {**model_config, **attention_options(classify.get("attention"))}
    seed_everything(config.seed, config.threads)  # before build_model: the initial weights depend on it
    encoded = load_encoded(train_path)
    network = build_model(model, model_config, encoded.length, len(read_classes(classes_path)))
    log.info("%s (%d parameters), mask ratio %s, seed %d, %d sequences of %d nt, device %s",
             model, sum(p.numel() for p in network.parameters()), mask_ratio, seed, len(encoded),
             encoded.length, resolve_device(config.device))
    x, y = torch.from_numpy(encoded.as_float()), torch.from_numpy(encoded.labels)
    result = train_classifier(network, x, y, config)
    history = result.history.round({"train_loss": 6, "val_loss": 6, "val_accuracy": 6})
    write_table(history[HISTORY_FILE_COLUMNS], history_path)
    write_table(training_timing(result), timing_path)
    save_checkpoint(model_path, result.model, model_config, training_summary(config, result, len(encoded)),
                    dataset=dataset)
    return result


def evaluate(model_path, train_path, test_path, classes_path, output_path, predictions_path, *, dataset: str,
             model: str, device: str = "auto", threads: int = 1, batch_size: int = 1024) -> pd.DataFrame:
    """The metrics table of one trained classifier (validation and test split) and its
    test predictions, after checking that its checkpoint is `model` trained on `dataset`
    and these classes."""
    set_threads(threads)
    target = resolve_device(device)
    train, test = load_encoded(train_path), load_encoded(test_path)
    expected = expectation(model, dataset, read_classes(classes_path), train.length)
    table, predictions = evaluate_model(load_checkpoint(model_path, map_location=target, expected=expected),
                                        read_checkpoint(model_path), train, test, dataset, target, batch_size)
    write_table(predictions, predictions_path)
    write_table(table, output_path)
    return table
