"""Workflow steps of the generative stage: each reads and writes files, logic lives elsewhere."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import torch

from seqattr.generative.alphabet import END, START, detokenize, tokenize_padded
from seqattr.generative.sets import read_positive_set, synthetic_positive_set
from seqattr.generative.train import load_model, mean_nll, save_model, train_lstm
from seqattr.training import seed_everything
from seqattr.io import read_table, write_table

log = logging.getLogger(__name__)
SYNTHETIC_KEYS = ("length", "n", "positions", "logic", "signal_to_noise", "seed", "tokens")


def write_positive_set(spec: dict, sequences_path, truth_path=None) -> None:
    """The canonical set (id, sequence[, is_signal]) and, for synthetic sets, truth.tsv."""
    if spec["source"] == "synthetic":
        frame, truth = synthetic_positive_set(**{k: spec.get(k) for k in SYNTHETIC_KEYS})
        write_table(truth, truth_path)
    else:
        frame = read_positive_set(spec["path"], spec["source"], epitope=spec.get("epitope"),
                                  column=spec.get("column"), id_column=spec.get("id_column"),
                                  min_size=spec.get("min_size", 1))
    log.info("%d sequences of length %d", len(frame), frame.sequence.str.len().max())
    write_table(frame, sequences_path)


def train_and_save(sequences_path, model_config: dict, training: dict, initial_path, trained_path, history_path,
                   threads: int = 1) -> None:
    torch.set_num_threads(threads)
    sequences = read_table(sequences_path)["sequence"].tolist()
    config = {**model_config, **{k: v for k, v in training.items() if k != "seed"}}
    initial, trained, history = train_lstm(sequences, config, seed=training["seed"])
    save_model(initial, initial_path)
    save_model(trained, trained_path)
    history["seconds"] = history["seconds"].round(3)
    write_table(history.round({"train_nll": 6, "val_nll": 6}), history_path)


def sample_and_report(trained_path, sequences_path, n: int, temperature: float, max_length: int, seed: int,
                      samples_path, summary_path, threads: int = 1) -> None:
    """Draw sequences and report validity (END reached, no START inside, training lengths),
    novelty (valid samples not in the training set) and the model's NLL on the samples and
    on the training set (nats per token)."""
    torch.set_num_threads(threads)
    seed_everything(seed)
    model = load_model(trained_path)
    training = read_table(sequences_path)["sequence"].tolist()
    lengths = {len(s) for s in training}
    rows = model.sample(n, temperature, max_length, generator=torch.Generator().manual_seed(seed))
    texts, valid = [], []
    for row in rows.tolist():
        ended = END in row[1:]
        text = detokenize(row)
        texts.append(text)
        valid.append(ended and START not in row[1:] and len(text) in lengths)
    known = set(training)
    novel = [v and t not in known for t, v in zip(texts, valid)]
    samples = pd.DataFrame({"id": [f"sample{i + 1}" for i in range(n)], "sequence": texts, "valid": valid, "novel": novel})
    write_table(samples, samples_path)
    good = [t for t, v in zip(texts, valid) if v]
    sample_nll = mean_nll(model, *tokenize_padded(good)) if good else float("nan")
    train_nll = mean_nll(model, *tokenize_padded(training))
    summary = pd.DataFrame([{"n": n, "temperature": temperature, "validity": np.mean(valid),
                             "novelty": (sum(novel) / max(sum(valid), 1)), "sample_nll": sample_nll,
                             "training_nll": train_nll}]).round(6)
    write_table(summary, summary_path)
