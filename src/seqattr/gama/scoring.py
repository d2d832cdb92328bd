"""Every scoring of a trained model against its reference, from the models themselves.

One IG pass per model and IG baseline gives every (mode, readout) of the options
(`ig.gama_ig_readouts`); `metric.scoring_profiles` turns each into every metric and
reduction. The synthetic grid, the dependency benchmark and the bench scripts score their
models here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import torch

from seqattr.gama.ig import gama_ig_readouts
from seqattr.gama.information import information_profile
from seqattr.gama.metric import (BASELINE_METRICS, INFORMATION_METRICS, NO_SETTING, baseline_scoring,
                                 scoring_profiles)
from seqattr.gama.metric import scorings as ig_scorings
from seqattr.gama.options import IGOptions
from seqattr.generative.lstm import GenerativeLSTM


class Scoring(NamedTuple):
    """One scoring of a model: its key (mode, readout, IG baseline, metric, reduction; a
    model baseline, which reads no IG: NO_SETTING for all but the metric), its matrix
    (T, T) or None (a baseline), its profile (L,), and the IG tensors (N, T, T) of the
    reference and of the null model for its (mode, readout) and IG baseline (None for a
    baseline, and for the null model without one)."""

    key: tuple[str, str, str, str, str]
    matrix: torch.Tensor | None
    profile: torch.Tensor
    ig_reference: torch.Tensor | None = None
    ig_null: torch.Tensor | None = None


def model_scorings(trained: GenerativeLSTM, reference: GenerativeLSTM, tokens: torch.Tensor, options: IGOptions, *,
                   baselines=("zero",), metrics=("gama",), reductions=("input",), null: GenerativeLSTM | None = None,
                   scorings=None) -> Iterator[Scoring]:
    """Every (mode, readout) of `options` x IG baseline x metric x reduction on the token
    rows `tokens`, as `Scoring`s. `reference` is what the trained model is compared with
    (the paper: its untrained initial state); `null` is the null model the metrics in
    NULL_METRICS read. `scorings` ("mode/readout/baseline/metric/reduction" strings): only
    these GAMA scorings, and every baseline among `metrics` (None: every one); an IG
    baseline that none of them names gets no IG pass. A model baseline (BASELINE_METRICS)
    comes once, where the first IG baseline's pass yields it (`scoring_profiles`)."""
    wanted = set(scorings) if scorings else None
    pairs = ig_scorings(options.modes, options.readouts)
    information = information_profile(trained, tokens) if set(metrics) & set(INFORMATION_METRICS) else None
    for index, baseline in enumerate(baselines):
        kept = list(metrics) if index == 0 else [metric for metric in metrics if metric not in BASELINE_METRICS]
        if wanted is not None and not any(scoring.split("/")[2] == baseline for scoring in wanted):
            # no IG pass, but the baselines it would have yielded still come first
            kept = [metric for metric in kept if metric in BASELINE_METRICS]
            for metric in kept:
                yield Scoring((NO_SETTING, NO_SETTING, NO_SETTING, metric, NO_SETTING), None,
                              baseline_scoring(metric, information)[2])
            continue
        if not kept:
            continue

        def ig(model):
            return gama_ig_readouts(model, tokens, pairs, baseline=baseline, **options.ig_arguments())

        ig_reference = ig(reference)
        ig_null = ig(null) if null is not None else None
        for (mode, readout, metric, reduction), matrix, profile in scoring_profiles(
                ig(trained), ig_reference, kept, reductions, ig_null=ig_null, information=information):
            if metric in BASELINE_METRICS:
                yield Scoring((mode, readout, NO_SETTING, metric, reduction), None, profile)
                continue
            key = (mode, readout, baseline, metric, reduction)
            if wanted is None or "/".join(key) in wanted:
                yield Scoring(key, matrix, profile, ig_reference[(mode, readout)],
                              ig_null[(mode, readout)] if ig_null is not None else None)


def model_profiles(trained: GenerativeLSTM, reference: GenerativeLSTM, tokens: torch.Tensor, options: IGOptions, *,
                   baselines=("zero",), metrics=("gama",), reductions=("input",),
                   null: GenerativeLSTM | None = None,
                   scorings=None) -> list[tuple[tuple[str, ...], torch.Tensor]]:
    """[((mode, readout, baseline, metric, reduction), profile (L,))] of `model_scorings`."""
    return [(scoring.key, scoring.profile)
            for scoring in model_scorings(trained, reference, tokens, options, baselines=baselines, metrics=metrics,
                                          reductions=reductions, null=null, scorings=scorings)]
