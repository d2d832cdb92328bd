"""What GAMA gives on degenerate positive sets: a few sequences, or one-residue sequences.

The reasons behind the floors of `seqattr.minimums` (a set's minimum size and sequence
length, the attributed sequences a bootstrap needs). Each set runs the GAMA chain as the
workflow's steps do, without the floors it measures: the LSTM of `generative.model` (hidden
size `hidden_size`) trained with `generative.training` (at most `max_epochs` epochs), IG of
the initial and trained models (`ig_steps` Gauss-Legendre nodes), GAMA with `bootstrap`
draws and the replicate summary, whose finiteness check refuses NaN importances. Tiny
models on purpose: what is measured is what the set size does to the statistics, not a
trained model. The chain's steps pass files, so each set works in a folder of its own.

Per set: whether every importance is finite, the summary's refusal (empty when it accepted
the set), and over the summary's positions the widest bootstrap interval (ci_high - ci_low)
relative to the largest |importance|, and the largest ci_high.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from seqattr.errors import InputError
from seqattr.gama import steps as gama_steps
from seqattr.generative.checkpoint import save_model
from seqattr.generative.engine import train_lstm, training_settings
from seqattr.generative.sets import synthetic_positive_set
from seqattr.io import read_table, write_table
from seqattr.schema import schema_defaults

SET_NAME = "degenerate"
PLANTED = (3, 6)  # an AND set's two planted positions (1-based), inside the default length of 8
ROW_COLUMNS = ["set", "n_sequences", "length", "finite", "refused", "positions", "widest_interval",
               "largest_importance", "widest_over_largest", "largest_ci_high"]


def degenerate_chain(sequences: list[str], folder, *, bootstrap: int = 200, hidden_size: int = 8,
                     max_epochs: int = 5, ig_steps: int = 8) -> dict:
    """The GAMA chain on `sequences` in `folder` (created), as one replicate of the workflow
    runs it; the floors of `seqattr.minimums` are not applied (the training step's held-out
    check is the one the chain would meet first, so the LSTM is trained here directly).
    Returns the module docstring's values, NaN where the summary refused the set."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sequences_path = folder / "sequences.tsv.gz"
    write_table(pd.DataFrame({"id": [f"s{i}" for i in range(len(sequences))], "sequence": sequences}),
                sequences_path)
    model = {"hidden_size": hidden_size}
    training = {**schema_defaults("generative.training"), "max_epochs": max_epochs, "device": "cpu"}
    initial, trained, _ = train_lstm(sequences, training_settings(model, training), seed=training["seed"])
    save_model(initial, folder / "initial.pt", set_name=SET_NAME)
    save_model(trained, folder / "trained.pt", set_name=SET_NAME)
    options = {**schema_defaults("gama"), "ig_steps": ig_steps, "device": "cpu"}
    for state in ("initial", "trained"):
        gama_steps.ig(folder / f"{state}.pt", sequences_path, folder / f"ig_{state}.pt", options=options,
                      set_name=SET_NAME, model=model, state=state)
    gama_steps.gama(folder / "ig_initial.pt", folder / "ig_trained.pt", folder / "matrix.tsv",
                    folder / "profile_r1.tsv", folder / "bootstrap_r1.tsv.gz", bootstrap=bootstrap)
    profile = read_table(folder / "profile_r1.tsv")
    row = {"n_sequences": len(sequences), "length": max(len(s) for s in sequences),
           "finite": bool(np.isfinite(profile["importance"]).all()), "refused": "", "positions": 0,
           "widest_interval": np.nan, "largest_importance": np.nan, "widest_over_largest": np.nan,
           "largest_ci_high": np.nan}
    try:
        gama_steps.summarise([folder / "profile_r1.tsv"], [folder / "bootstrap_r1.tsv.gz"], [folder / "matrix.tsv"],
                             folder / "profile.tsv", folder / "matrix_mean.tsv", set_name=SET_NAME)
    except InputError as error:  # the summary's refusal is one of the outcomes measured
        return {**row, "refused": str(error)}
    summary = read_table(folder / "profile.tsv")
    width = float((summary["ci_high"] - summary["ci_low"]).max())
    scale = float(summary["importance"].abs().max())
    return {**row, "positions": len(summary), "widest_interval": width, "largest_importance": scale,
            "widest_over_largest": width / scale, "largest_ci_high": float(summary["ci_high"].max())}


def degenerate_sets(sizes, folder, *, length: int = 8, one_residue: int | None = 20, bootstrap: int = 200,
                    **chain) -> Iterator[dict]:
    """One row (ROW_COLUMNS) per set, as each finishes: a synthetic AND set (PLANTED, SNR
    1.0, seed 0) of each size in `sizes` and `length` residues, then `one_residue` sequences
    of one residue each (None: none). `chain`: `degenerate_chain`'s model settings."""
    folder = Path(folder)
    for n in sizes:
        frame, _ = synthetic_positive_set(length=length, n=n, positions=list(PLANTED), logic="AND",
                                          signal_to_noise=1.0, seed=0)
        yield {"set": f"{n} sequences", **degenerate_chain(frame["sequence"].tolist(), folder / f"n{n}",
                                                           bootstrap=bootstrap, **chain)}
    if one_residue:
        frame, _ = synthetic_positive_set(length=2, n=one_residue, positions=[1, 2], logic="AND",
                                          signal_to_noise=1.0, seed=0)
        yield {"set": f"{one_residue} one-residue sequences",
               **degenerate_chain([s[:1] for s in frame["sequence"]], folder / "one_residue", bootstrap=bootstrap,
                                  **chain)}
