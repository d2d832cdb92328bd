"""The GAMA paper's synthetic grid: one experiment per (logic, positions, SNR, seed).

Each experiment generates a positive-only set with implanted positions, trains the
generative LSTM (keeping its random initialisation), runs GAMA in every mode and scores
the profile against the implanted positions (`seqattr.gama_validation.detection`).
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pandas as pd

from seqattr.gama_validation.detection import (DEFAULT_THRESHOLD_Z, detected_by_rank, detected_by_threshold,
                                              false_negative_rate, false_positive_rate)
from seqattr.gama_validation.experiments import Experiment
from seqattr.runtime import seeded_subsample

log = logging.getLogger(__name__)

GRID_COLUMNS = ["experiment", "logic", "positions", "motif_size", "signal_to_noise", "seed", "mode",
                     "fnr_rank", "fnr_threshold", "fpr_threshold", "threshold_z", "top_positions",
                     "train_nll", "val_nll", "epochs", "n_sequences", "n_attributed"]
# Wall-clock seconds of an experiment (the same for every mode: GAMA runs them together),
# in their own table so that the grid table is byte-identical across reruns.
TIMING_COLUMNS = ["experiment", "train_seconds", "gama_seconds", "seconds"]


def attribution_sample(n_sequences: int, n_attributed: int | None, seed: int) -> np.ndarray:
    """Indices of the sequences GAMA attributes: a seeded sample of the whole set.

    The whole set (signal and noise alike), as GAMA would see a real positive set whose
    signal sequences are unknown; the same subsampler as the GAMA stage's.
    """
    return seeded_subsample(n_sequences, n_attributed, seed)


def score_profile(importance, implanted, threshold_z: float = DEFAULT_THRESHOLD_Z) -> dict:
    """FNR by rank and by threshold (and the threshold's FPR) for one profile."""
    importance = np.asarray(importance, dtype=float)
    order = np.argsort(-np.where(np.isfinite(importance), importance, -np.inf), kind="stable")
    return {
        "fnr_rank": false_negative_rate(detected_by_rank(importance, implanted)),
        "fnr_threshold": false_negative_rate(detected_by_threshold(importance, implanted, threshold_z)),
        "fpr_threshold": false_positive_rate(importance, implanted, threshold_z),
        "top_positions": ",".join(str(int(i) + 1) for i in order[:len(list(implanted))]),
    }


def run_grid_experiment(experiment: Experiment, train_config: dict, gama_config: dict, *,
                             n_attributed: int | None = None,
                             threshold_z: float = DEFAULT_THRESHOLD_Z) -> list[dict]:
    """Generate, train, attribute in every mode of `gama_config["modes"]`, score: one row per mode."""
    from seqattr.gama import gama_ig_modes, gama_matrix, importance_profile
    from seqattr.generative.alphabet import tokenize
    from seqattr.generative.sets import synthetic_positive_set
    from seqattr.generative.engine import train_lstm

    started = time.perf_counter()
    frame, truth = synthetic_positive_set(experiment.length, experiment.n_sequences, list(experiment.positions),
                                          experiment.logic, experiment.signal_to_noise, experiment.seed)
    true_positions = sorted({int(p) for p in truth["position"]})
    if true_positions != sorted(experiment.positions):
        raise RuntimeError(f"{experiment.id}: generator implanted {true_positions}, "
                           f"the grid asked for {list(experiment.positions)}")
    log.info("%s: %d sequences, %d signal", experiment.id, len(frame), int(frame["is_signal"].sum()))

    train_started = time.perf_counter()
    initial, trained, history = train_lstm(frame["sequence"].tolist(), train_config, experiment.seed)
    train_seconds = time.perf_counter() - train_started
    best = history.loc[history["val_nll"].idxmin()]
    log.info("%s: trained %d epochs in %.1f s, best val NLL %.4f (epoch %d)", experiment.id,
             len(history), train_seconds, best["val_nll"], int(best["epoch"]))

    keep = attribution_sample(len(frame), n_attributed, experiment.seed)
    tokens = tokenize(frame["sequence"].iloc[keep].tolist())
    modes = list(gama_config["modes"])
    options = {k: gama_config[k] for k in ("quadrature", "batch_size", "device") if gama_config.get(k) is not None}
    if gama_config.get("ig_steps") is not None:
        options["steps"] = gama_config["ig_steps"]
    rows = []
    gama_started = time.perf_counter()
    # Every mode from one set of backward passes per model (gama_ig_modes shares them).
    ig_trained = gama_ig_modes(trained, tokens, modes, **options)
    ig_initial = gama_ig_modes(initial, tokens, modes, **options)
    gama_seconds = time.perf_counter() - gama_started
    for mode in modes:
        profile = np.asarray(importance_profile(gama_matrix(ig_trained[mode], ig_initial[mode])), dtype=float)
        if profile.shape != (experiment.length,):
            raise RuntimeError(f"{experiment.id}: importance profile has shape {profile.shape}, "
                               f"expected ({experiment.length},)")
        scores = score_profile(profile, experiment.positions, threshold_z)
        log.info("%s [%s]: top %s, FNR rank %.2f, FNR threshold %.2f (%.1f s)", experiment.id, mode,
                 scores["top_positions"], scores["fnr_rank"], scores["fnr_threshold"], gama_seconds)
        rows.append({
            "experiment": experiment.id, "logic": experiment.logic,
            "positions": ",".join(map(str, experiment.positions)), "motif_size": len(experiment.positions),
            "signal_to_noise": experiment.signal_to_noise, "seed": experiment.seed, "mode": mode,
            **scores, "threshold_z": threshold_z,
            "train_nll": float(best["train_nll"]), "val_nll": float(best["val_nll"]), "epochs": len(history),
            "n_sequences": len(frame), "n_attributed": len(keep),
            "train_seconds": train_seconds, "gama_seconds": gama_seconds,
        })
    total = time.perf_counter() - started
    for row in rows:
        row["seconds"] = total
    return rows


def grid_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows).reindex(columns=GRID_COLUMNS)


def timing_frame(rows: list[dict]) -> pd.DataFrame:
    """One row per experiment: its wall-clock seconds (rounded to 0.1 s)."""
    frame = pd.DataFrame(rows).reindex(columns=TIMING_COLUMNS).drop_duplicates("experiment")
    return frame.round({"train_seconds": 1, "gama_seconds": 1, "seconds": 1}).reset_index(drop=True)


def format_grid(frame: pd.DataFrame) -> pd.DataFrame:
    """Fixed float formatting so equal results give equal bytes."""
    out = frame.copy()
    for column in ("fnr_rank", "fnr_threshold", "fpr_threshold", "train_nll", "val_nll"):
        out[column] = out[column].map(lambda v: f"{v:.6f}")
    out["signal_to_noise"] = out["signal_to_noise"].map(lambda v: f"{v:.1f}")
    return out


def stack_grid(frames: list[pd.DataFrame], columns=GRID_COLUMNS) -> pd.DataFrame:
    """Per-experiment tables, in the order given (grid order, then mode), as one table."""
    return pd.concat(frames, ignore_index=True).reindex(columns=columns)


def fnr_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean FNR by logic, motif size, SNR and mode (over position sets and seeds)."""
    return (frame.groupby(["mode", "logic", "motif_size", "signal_to_noise"], as_index=False)
            [["fnr_rank", "fnr_threshold", "fpr_threshold"]].mean())
