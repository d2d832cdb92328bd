"""The GAMA stage's steps, one per rule: IG of the initial and trained model on a set,
the GAMA matrix and profile; their figures."""

from __future__ import annotations

import logging
import time

import pandas as pd

from seqattr.figures import save_figure
from seqattr.gama.ig import gama_ig_modes
from seqattr.gama.metric import gama_matrix, importance_profile, matrix_table, profile_table
from seqattr.generative.alphabet import tokenize
from seqattr.generative.checkpoint import expectation, load_model
from seqattr.io import read_table, write_table
from seqattr.runtime import seeded_subsample, set_threads

log = logging.getLogger(__name__)


def attributed_sequences(sequences: list[str], max_sequences: int | None, seed: int) -> list[str]:
    """A seeded subset of at most `max_sequences` (all when None), in file order: the
    workflow's one subsampler, so the GAMA grid attributes the same subset for a seed."""
    return [sequences[i] for i in seeded_subsample(len(sequences), max_sequences, seed)]


def convergence(history: pd.DataFrame, tolerance: float) -> dict:
    """How far the kept model (lowest held-out NLL) is from the generator's entropy floor:
    excess_nll (nats per token) and converged (excess within `tolerance`), for the
    profile table. Real sets have no known floor: excess NaN, converged "unknown"."""
    if "excess_nll" not in history:
        return {"excess_nll": float("nan"), "converged": "unknown"}
    excess = float(history.loc[history["val_nll"].idxmin(), "excess_nll"])
    return {"excess_nll": round(excess, 6), "converged": str(excess <= tolerance)}


def gama(initial_path, trained_path, sequences_path, matrix_path, profile_path, *, modes, quadrature: str,
         ig_steps: int, batch_size: int, max_sequences: int | None, seed: int, set_name: str, model: dict,
         device: str = "auto", threads: int = 1, history_path=None, tolerance: float = 0.01) -> None:
    """IG of the initial and the trained LSTM of set `set_name` (both checked against
    `generative.model` and the set), the GAMA matrix and profile. The profile carries the
    trained model's distance from convergence (`convergence`), read from its history."""
    set_threads(threads)
    sequences = attributed_sequences(read_table(sequences_path)["sequence"].tolist(), max_sequences, seed)
    tokens = tokenize(sequences)
    matrices, profiles = [], []
    ig = {}
    for name, path in (("initial", initial_path), ("trained", trained_path)):
        started = time.perf_counter()
        lstm = load_model(path, expected=expectation(model, set_name))
        ig[name] = gama_ig_modes(lstm, tokens, modes, quadrature, ig_steps, batch_size, device)
        log.info("IG of the %s model on %d sequences (%s, %s x %d): %.1f s", name, len(sequences),
                 "+".join(modes), quadrature, ig_steps, time.perf_counter() - started)
    for mode in modes:
        matrix = gama_matrix(ig["trained"][mode], ig["initial"][mode])
        profile = importance_profile(matrix)
        matrices.append(matrix_table(matrix, mode))
        profiles.append(profile_table(profile, mode))
        top = profiles[-1].sort_values("rank").position.head(4).tolist()
        log.info("%s mode: top positions %s", mode, top)
    write_table(pd.concat(matrices).round({"score": 6}), matrix_path)
    profile = pd.concat(profiles).round({"importance": 6})
    if history_path is not None:
        state = convergence(read_table(history_path), tolerance)
        profile = profile.assign(**state)
        log.info("trained model: excess NLL over the entropy floor %s, converged %s", state["excess_nll"],
                 state["converged"])
    write_table(profile, profile_path)


def figures(matrix_path, profile_path, heatmap_png, heatmap_pdf, profile_png, profile_pdf, *, name: str,
            truth_path=None) -> None:
    """The GAMA heatmap and profile of a set; a synthetic set's implanted positions are marked."""
    from seqattr.gama.figures import gama_heatmap, gama_profile

    truth = set(read_table(truth_path)["position"]) if truth_path else set()
    save_figure(gama_heatmap(read_table(matrix_path), name), heatmap_png, heatmap_pdf)
    save_figure(gama_profile(read_table(profile_path), name, truth), profile_png, profile_pdf)
