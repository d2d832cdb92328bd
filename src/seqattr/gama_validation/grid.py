"""The GAMA paper's synthetic grid: one experiment per (logic, positions, SNR, seed).

Each experiment generates a positive-only set with implanted positions, trains the
generative LSTM (keeping its random initialisation), runs GAMA in every mode and scores
the profile against the implanted positions (`seqattr.gama_validation.detection`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from seqattr.gama_validation.detection import DEFAULT_THRESHOLD_Z, score_profile
from seqattr.gama.null_model import train_null_model
from seqattr.gama.scoring import model_profiles
from seqattr.gama.vocabulary import Scoring, metric_kind, needs_null_model
from seqattr.gama_validation.experiments import Experiment
from seqattr.gama_validation.model_free import model_free_scores
from seqattr.generative.alphabet import tokenize
from seqattr.generative.engine import train_to_floor, training_defaults
from seqattr.generative.entropy import entropy_floor, signal_weight, true_token_nll
from seqattr.generative.paper_protocol import paper_attributed_indices, paper_positive_set
from seqattr.generative.sets import synthetic_positive_set
from seqattr.runtime import seeded_subsample

log = logging.getLogger(__name__)

GRID_COLUMNS = ["experiment", "protocol", "logic", "positions", "motif_size", "signal_to_noise", "seed", "mode",
                "readout", "ig_start", "metric", "reduction", "kind", "fnr_rank", "fnr_threshold", "fpr_threshold",
                "threshold_z", "top_positions", "train_nll", "val_nll", "entropy_floor", "excess_nll", "converged",
                "epochs", "null_excess_nll", "null_converged", "n_sequences", "n_attributed"]
SCORING_COLUMNS = list(Scoring.field_names())
# Wall-clock seconds of an experiment (the same for every mode: GAMA runs them together),
# in their own table so that the grid table is byte-identical across reruns.
TIMING_COLUMNS = ["experiment", "train_seconds", "gama_seconds", "seconds"]


def experiment_set(experiment: Experiment, protocol: str, n_attributed: int | None, sample_seed: int | None = None):
    """(frame, truth, signal weight, attributed row indices) of one experiment.

    clean: `n_sequences` in all, a sample of the whole set attributed, drawn with
    `sample_seed` (the experiment's seed when None); paper: the authors' generator with
    `n_sequences` signal sequences and their attributed sample (`generative.paper_protocol`).
    """
    if protocol == "paper":
        frame, truth = paper_positive_set(experiment.length, experiment.positions, experiment.logic,
                                          experiment.signal_to_noise, experiment.seed,
                                          n_signal=experiment.n_sequences)
        keep = paper_attributed_indices(experiment.n_sequences, experiment.signal_to_noise, n_attributed or 1000)
    else:
        frame, truth = synthetic_positive_set(experiment.length, experiment.n_sequences, list(experiment.positions),
                                              experiment.logic, experiment.signal_to_noise, experiment.seed)
        keep = attribution_sample(len(frame), n_attributed, experiment.seed if sample_seed is None else sample_seed)
    weight = signal_weight(protocol, len(frame), experiment.signal_to_noise, n_signal=experiment.n_sequences)
    return frame, truth, weight, keep


def attribution_sample(n_sequences: int, n_attributed: int | None, seed: int) -> np.ndarray:
    """Indices of the sequences GAMA attributes: a seeded sample of the whole set.

    The whole set (signal and noise alike), as GAMA would see a real positive set whose
    signal sequences are unknown; the same subsampler as the GAMA stage's.
    """
    return seeded_subsample(n_sequences, n_attributed, seed)


@dataclass
class TrainedModels:
    """An experiment's models: the trained LSTM, its initial state and training history,
    and the null model with its history (None without one)."""

    initial: object
    trained: object
    history: pd.DataFrame
    null: object = None
    null_history: pd.DataFrame | None = None


def excess_of(history: pd.DataFrame) -> float:
    """The kept epoch's (lowest held-out NLL) excess over the entropy floor."""
    return float(history.loc[history["val_nll"].idxmin(), "excess_nll"])


def train_models(sequences: list[str], train_config: dict, seed: int, true_nll, with_null: bool) -> TrainedModels:
    """Train to the entropy floor, and the null model (`gama.null_model`) when asked.

    Training stops when the held-out NLL is within `train_config["tolerance"]` of the
    generator's own NLL on the same sequences (`true_nll`), and a run that stops above it
    is trained again at half the learning rate, up to twice (`engine.train_to_floor`). The
    null model has the same settings and initial weights on the column-shuffled set,
    trained to that set's own floor."""
    initial, trained, history = train_to_floor(sequences, train_config, seed, true_nll)
    models = TrainedModels(initial, trained, history)
    if with_null:
        models.null, models.null_history = train_null_model(sequences, train_config, seed)
    return models


@dataclass
class ExperimentResult:
    """One experiment's set, models and their state, and its profiles (`model_profiles`)."""

    experiment: Experiment
    protocol: str
    n_sequences: int
    keep: np.ndarray
    entropy_floor: float
    train_nll: float
    val_nll: float
    excess_nll: float
    converged: bool
    epochs: int
    null_excess_nll: float
    null_converged: bool | str
    profiles: list
    models: TrainedModels
    tokens: object  # the attributed sequences' token rows
    train_seconds: float
    gama_seconds: float
    seconds: float


def run_experiment(experiment: Experiment, train_config: dict, ig_options, *, protocol: str = "clean",
                   ig_starts=("zero",), metrics=("gama",), reductions=("input",),
                   reference: str = "initial", scorings=None, model_free=()) -> ExperimentResult:
    """Generate, train to the entropy floor, attribute: every scoring, i.e. mode x readout
    (`ig_options`, an `IGOptions`) x IG start x metric x reduction, all from the same
    models and one IG pass per model and IG start.

    The attributed sample: `ig_options.max_sequences` sequences (clean: drawn with
    `ig_options.seed`; paper: the authors' sample, `experiment_set`). The result records
    the floor, the kept run's excess and whether it met `train_config["tolerance"]`
    (`converged`): a miss on an unconverged model is noise.
    A metric in INFORMATION_METRICS reads the trained model's information per position on
    the attributed sequences (`gama.information`). A metric in NULL_METRICS adds the null
    model (`train_models`), whose excess and convergence the result records as
    null_excess_nll and null_converged (NaN and empty without it). `reference` "initial"
    compares the trained model with its untrained initial state (the paper); "null"
    compares it with the null model instead. `scorings` (`vocabulary.Scoring`s or their
    strings): only these GAMA scorings, and every baseline among `metrics`, are kept (None:
    the whole cross product);
    `model_free` (logo, mi_apc, potts_apc): model-free baselines on the whole set, added
    as profiles keyed ("-", "-", "-", name, reduction).
    """
    if reference not in ("initial", "null"):
        raise ValueError(f"reference {reference!r}: allowed initial, null")
    started = time.perf_counter()
    frame, truth, weight, keep = experiment_set(experiment, protocol, ig_options.max_sequences, ig_options.seed)
    true_positions = sorted({int(p) for p in truth["position"]})
    if true_positions != sorted(experiment.positions):
        raise RuntimeError(f"{experiment.id}: generator implanted {true_positions}, "
                           f"the grid asked for {list(experiment.positions)}")
    sequences = frame["sequence"].tolist()
    log.info("%s (%s protocol): %d sequences, %d signal", experiment.id, protocol, len(frame),
             int(frame["is_signal"].sum()))
    floor = entropy_floor(protocol, experiment.logic, experiment.length, len(experiment.positions), weight)
    true_nll = true_token_nll(sequences, protocol, experiment.logic, experiment.positions,
                              truth["token"].tolist(), weight)

    with_null = needs_null_model(metrics) or reference == "null"
    train_started = time.perf_counter()
    models = train_models(sequences, train_config, experiment.seed, true_nll, with_null)
    train_seconds = time.perf_counter() - train_started
    best = models.history.loc[models.history["val_nll"].idxmin()]
    tolerance = train_config.get("tolerance", training_defaults()["tolerance"])
    excess = excess_of(models.history)
    converged = bool(excess <= tolerance)
    log.info("%s: trained %d epochs, best val NLL %.4f (epoch %d), floor %.4f, excess %.4f (%s)",
             experiment.id, len(models.history), best["val_nll"], int(best["epoch"]), floor, excess,
             "converged" if converged else f"NOT converged: tolerance {tolerance}")
    null_excess, null_converged = float("nan"), ""
    if models.null is not None:
        null_excess = excess_of(models.null_history)
        null_converged = bool(null_excess <= tolerance)
        log.info("%s: null model (column-shuffled set) trained %d epochs, excess %.4f (%s)", experiment.id,
                 len(models.null_history), null_excess, "converged" if null_converged else "NOT converged")

    gama_started = time.perf_counter()
    tokens = tokenize([sequences[i] for i in keep])
    profiles = model_profiles(models.trained, models.null if reference == "null" else models.initial, tokens,
                              ig_options, ig_starts=ig_starts, metrics=metrics, reductions=reductions, null=models.null,
                              scorings=scorings)
    if model_free:
        profiles += [(scored.key, scored.profile) for scored in model_free_scores(sequences, model_free)]
    gama_seconds = time.perf_counter() - gama_started
    return ExperimentResult(
        experiment=experiment, protocol=protocol, n_sequences=len(frame), keep=keep, entropy_floor=floor,
        train_nll=float(best["train_nll"]), val_nll=float(best["val_nll"]), excess_nll=excess, converged=converged,
        epochs=len(models.history), null_excess_nll=null_excess, null_converged=null_converged, profiles=profiles,
        models=models, tokens=tokens, train_seconds=train_seconds, gama_seconds=gama_seconds, seconds=time.perf_counter() - started)


def grid_rows(result: ExperimentResult, threshold_z: float = DEFAULT_THRESHOLD_Z) -> list[dict]:
    """The grid table's rows of one experiment: one per scoring, each profile scored
    against the implanted positions (`score_profile`)."""
    experiment = result.experiment
    rows = []
    for (mode, readout, ig_start, metric, reduction), profile in result.profiles:
        profile = np.asarray(profile, dtype=float)
        if profile.shape != (experiment.length,):
            raise RuntimeError(f"{experiment.id}: importance profile has shape {profile.shape}, "
                               f"expected ({experiment.length},)")
        scores = score_profile(profile, experiment.positions, threshold_z)
        log.info("%s [%s/%s/%s/%s/%s]: top %s, FNR rank %.2f, FNR threshold %.2f", experiment.id, mode, readout,
                 ig_start, metric, reduction, scores["top_positions"], scores["fnr_rank"], scores["fnr_threshold"])
        rows.append({
            "experiment": experiment.id, "protocol": result.protocol, "logic": experiment.logic,
            "positions": ",".join(map(str, experiment.positions)), "motif_size": len(experiment.positions),
            "signal_to_noise": experiment.signal_to_noise, "seed": experiment.seed, "mode": mode,
            "readout": readout, "ig_start": ig_start, "metric": metric, "reduction": reduction,
            "kind": metric_kind(metric), **scores,
            "threshold_z": threshold_z, "train_nll": result.train_nll, "val_nll": result.val_nll,
            "entropy_floor": result.entropy_floor, "excess_nll": result.excess_nll, "converged": result.converged,
            "epochs": result.epochs, "null_excess_nll": result.null_excess_nll,
            "null_converged": result.null_converged, "n_sequences": result.n_sequences,
            "n_attributed": len(result.keep), "train_seconds": result.train_seconds,
            "gama_seconds": result.gama_seconds, "seconds": result.seconds,
        })
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
    for column in ("fnr_rank", "fnr_threshold", "fpr_threshold", "train_nll", "val_nll", "entropy_floor", "excess_nll",
                   "null_excess_nll"):
        out[column] = out[column].map(lambda v: f"{float(v):.6f}")
    out["signal_to_noise"] = out["signal_to_noise"].map(lambda v: f"{v:.1f}")
    return out


def stack_grid(frames: list[pd.DataFrame], columns=GRID_COLUMNS) -> pd.DataFrame:
    """Per-experiment tables, in the order given (grid order, then mode), as one table."""
    return pd.concat(frames, ignore_index=True).reindex(columns=columns)


def scoring_label(row) -> str:
    """The scoring of a table row named by its kind (`vocabulary.Scoring.label`)."""
    return Scoring.of_row(row).label()


def fnr_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean FNR by scoring (with its kind), logic, motif size and SNR (over position sets and
    seeds; a baseline over every IG setting too, which it does not read), and how many of
    those experiments' models converged."""
    frame = frame.assign(scoring=frame.apply(scoring_label, axis=1), kind=frame["metric"].map(metric_kind),
                         converged=frame["converged"].astype(str).str.lower() == "true")
    return (frame.groupby(["scoring", "kind", "logic", "motif_size", "signal_to_noise"], as_index=False, sort=False)
            .agg(fnr_rank=("fnr_rank", "mean"), fnr_threshold=("fnr_threshold", "mean"),
                 fpr_threshold=("fpr_threshold", "mean"), experiments=("experiment", "nunique"),
                 converged=("converged", "mean")))
