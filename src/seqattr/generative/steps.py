"""The generative stage's steps, one per rule: files in, files out; the logic lives in
`sets`, `engine`, `lstm` and `figures`."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import torch

from seqattr import InputError
from seqattr.figures import save_figure
from seqattr.generative.absolut import read_absolut_contributions
from seqattr.generative.airr_input import read_airr_set
from seqattr.generative.airr_output import write_samples_airr
from seqattr.generative.alphabet import END, START, detokenize, tokenize_padded
from seqattr.generative.checkpoint import expectation, load_model, save_model
from seqattr.generative.engine import mean_nll, train_lstm, training_defaults, training_settings
from seqattr.generative.entropy import signal_weight, true_token_nll
from seqattr.generative.figures import nll_curve, set_logo
from seqattr.generative.sets import drop_shared, read_positive_set, synthetic_positive_set
from seqattr.io import read_table, write_table
from seqattr.minimums import check_held_out, check_positive_sequences
from seqattr.runtime import seed_everything, set_threads

log = logging.getLogger(__name__)
SYNTHETIC_KEYS = ("length", "n", "positions", "logic", "signal_to_noise", "seed", "tokens")


def positive_set(spec: dict, sequences_path, truth_path=None, summary_path=None) -> None:
    """The canonical set (id, sequence[, is_signal]) and, for synthetic sets, truth.tsv.

    An Absolut! table's binding-energy column is parsed here too, though only the ground
    truth reads it: a malformed cell then stops the run at import, not after the LSTM is
    trained and attributed.
    """
    if spec["source"] == "absolut":
        read_absolut_contributions(spec["path"], epitope=spec.get("epitope"), min_size=spec.get("min_size", 1))
    if spec["source"] == "synthetic":
        frame, truth = synthetic_positive_set(**{k: spec.get(k) for k in SYNTHETIC_KEYS})
        # Each sequence's NLL per token under the generator: training measures the model's
        # excess over it on the held-out sequences (how far from converged it is).
        weight = signal_weight("clean", len(frame), spec["signal_to_noise"])
        frame["true_nll"] = np.round(true_token_nll(frame["sequence"].tolist(), "clean", spec["logic"],
                                                    truth["position"].tolist(), truth["token"].tolist(), weight), 9)
        write_table(truth, truth_path)
    else:
        frame, record = read_real_set(spec)
        if spec.get("negatives"):
            frame, shared = without_negatives(frame, spec)
            record.update(shared_with_negatives_dropped=shared, kept_after_dropping_shared=len(frame))
        check_positive_sequences(frame, spec["path"])  # one-residue sequences, one distinct sequence
        for key, value in record.items():
            log.info("%s: %s", key, value)
    log.info("%d sequences of length %d", len(frame), frame.sequence.str.len().max())
    # the set is written last, after every check: a refused input leaves nothing half-written
    if summary_path is not None:
        write_table(pd.DataFrame({"key": list(record), "value": [str(v) for v in record.values()]})
                    if spec["source"] != "synthetic" else pd.DataFrame({"key": ["rows"], "value": [str(len(frame))]}),
                    summary_path)
    write_table(frame, sequences_path)


def read_real_set(spec: dict) -> tuple[pd.DataFrame, dict]:
    """A real set (positive, or a set's `negatives`) and the record of what was read: an AIRR
    file through `airr_input.read_airr_set`, the other sources through `read_positive_set`."""
    if spec["source"] == "airr":
        return read_airr_set(spec["path"], column=spec.get("airr_column", "auto"),
                             flank_policy=spec.get("flank_policy", "drop"), v_call=spec.get("v_call"),
                             j_call=spec.get("j_call"), productive_only=spec.get("productive_only", True),
                             keep_length=spec.get("keep_length"), min_size=spec.get("min_size", 1))
    frame = read_positive_set(spec["path"], spec["source"], epitope=spec.get("epitope"), column=spec.get("column"),
                              id_column=spec.get("id_column"), min_size=spec.get("min_size", 1))
    return frame, {"rows": len(frame), "unique_sequences": frame["sequence"].nunique()}


def without_negatives(frame: pd.DataFrame, spec: dict) -> tuple[pd.DataFrame, int]:
    """The positive set without the sequences its `negatives` also hold, and how many
    distinct sequences that was (a sequence sorted both ways is evidence of neither)."""
    negatives, _ = read_real_set({"min_size": 1, **spec["negatives"]})
    kept, _, shared = drop_shared(frame, negatives)
    if len(kept) < spec.get("min_size", 1):
        raise InputError(f"{spec['path']}: {len(kept)} sequences left after dropping the {shared} also in "
                         f"{spec['negatives']['path']}, fewer than the minimum {spec.get('min_size', 1)}")
    return kept, shared


def negative_set(spec: dict, negatives_path, summary_path) -> None:
    """A set's non-binders (`negatives`), without the sequences the positive set also holds
    (dropped from both, counted), and the record of what was read."""
    negatives, record = read_real_set({"min_size": 1, **spec["negatives"]})
    positives, _ = read_real_set(spec)
    _, negatives, shared = drop_shared(positives, negatives)
    record.update(shared_with_binders_dropped=shared, kept_after_dropping_shared=len(negatives))
    for key, value in record.items():
        log.info("negatives %s: %s", key, value)
    write_table(pd.DataFrame({"key": list(record), "value": [str(v) for v in record.values()]}), summary_path)
    write_table(negatives, negatives_path)


def train(sequences_path, initial_path, trained_path, history_path, timing_path, *, model: dict, training: dict,
          set_name: str, threads: int = 1, replicate: int = 1, use_counts: bool = False) -> None:
    """Train the LSTM of `generative.model` with `generative.training`; keep its initial state too.
    The history holds the NLLs (and, for a synthetic set, whose sequences carry their true
    NLL, the excess over the generator on the held-out sequences: training stops when it
    is within `tolerance`), the timing file each epoch's wall-clock seconds. Replicate k
    (1-based) is seeded `training.seed + k - 1`: its own initialisation, validation split
    and batch order. `use_counts` (a set's `weights: counts`): each sequence weighs its
    `count` column (how many rows a collapsed duplicate had) in every NLL."""
    set_threads(threads)
    frame = read_table(sequences_path)
    if use_counts and "count" not in frame:
        raise ValueError(f"{sequences_path}: weights: counts needs a count column (an AIRR set has one)")
    check_held_out(f"set {set_name} ({sequences_path})", len(frame),
                   {**training_defaults(), **training}["validation_fraction"])
    true_nll = frame["true_nll"].to_numpy() if "true_nll" in frame else None
    initial, trained, history = train_lstm(frame["sequence"].tolist(), training_settings(model, training),
                                           seed=training["seed"] + replicate - 1, true_nll=true_nll,
                                           weights=frame["count"].to_numpy() if use_counts else None)
    save_model(initial, initial_path, set_name=set_name)
    save_model(trained, trained_path, set_name=set_name)
    columns = [c for c in ("epoch", "train_nll", "train_nll_eval", "val_nll", "true_val_nll", "excess_nll") if c in history]
    write_table(history[columns].round(6), history_path)
    write_table(history[["epoch", "seconds"]].round({"seconds": 3}), timing_path)



def sample(trained_path, sequences_path, samples_path, summary_path, *, n: int, temperature: float,
           max_length: int, seed: int, set_name: str, model: dict, threads: int = 1, airr_path=None) -> None:
    """Draw sequences and report validity (END reached, no START inside, training lengths),
    novelty (valid samples not in the training set) and the model's NLL on the samples and
    on the training set (nats per token); the samples also as AIRR rearrangements at `airr_path`."""
    seed_everything(seed, threads)
    lstm = load_model(trained_path, expected=expectation(model, set_name))
    training = read_table(sequences_path)["sequence"].tolist()
    lengths = {len(s) for s in training}
    rows = lstm.sample(n, temperature, max_length, generator=torch.Generator().manual_seed(seed))
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
    if airr_path is not None:
        write_samples_airr(samples, airr_path)
    good = [t for t, v in zip(texts, valid) if v]
    sample_nll = mean_nll(lstm, *tokenize_padded(good)) if good else float("nan")
    train_nll = mean_nll(lstm, *tokenize_padded(training))
    summary = pd.DataFrame([{"n": n, "temperature": temperature, "validity": np.mean(valid),
                             "novelty": (sum(novel) / max(sum(valid), 1)), "sample_nll": sample_nll,
                             "training_nll": train_nll}]).round(6)
    write_table(summary, summary_path)


def set_figures(sequences_path, history_path, logo_png, logo_pdf, nll_png, nll_pdf, *, name: str) -> None:
    """The set's sequence logo and its model's training NLL curve."""
    save_figure(set_logo(read_table(sequences_path)["sequence"].tolist(), name), logo_png, logo_pdf)
    save_figure(nll_curve(read_table(history_path), name), nll_png, nll_pdf)
