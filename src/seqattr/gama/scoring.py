"""Every scoring of a trained model against its reference, from the models themselves.

One IG pass per model and IG path start gives every (mode, readout) of the options
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
from seqattr.gama.metric import baseline_scoring, scoring_profiles
from seqattr.gama.options import IGOptions
from seqattr.gama.vocabulary import BASELINE_METRICS, NO_SETTING, Scoring, ig_pairs, needs_trained_model
from seqattr.generative.lstm import GenerativeLSTM


class ModelScoring(NamedTuple):
    """One scoring of a model: its `vocabulary.Scoring` (a model baseline, which reads no
    IG: NO_SETTING for all but the metric), its matrix (T, T) or None (a baseline), its
    profile (L,), and the IG tensors (N, T, T) of the reference and of the null model for
    its (mode, readout) and IG start (None for a baseline, and for the null model without
    one)."""

    scoring: Scoring
    matrix: torch.Tensor | None
    profile: torch.Tensor
    ig_reference: torch.Tensor | None = None
    ig_null: torch.Tensor | None = None

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return self.scoring.key


def model_scorings(trained: GenerativeLSTM, reference: GenerativeLSTM, tokens: torch.Tensor, options: IGOptions, *,
                   ig_starts=("zero",), metrics=("gama",), reductions=("input",), null: GenerativeLSTM | None = None,
                   scorings=None) -> Iterator[ModelScoring]:
    """Every (mode, readout) of `options` x IG start x metric x reduction on the token rows
    `tokens`, as `ModelScoring`s. `reference` is what the trained model is compared with
    (the paper: its untrained initial state); `null` is the null model the metrics in
    NULL_METRICS read. `scorings` (`vocabulary.Scoring`s or their strings): only these
    GAMA scorings, and every baseline among `metrics` (None: every one); an IG start that
    none of them names gets no IG pass. A model baseline (BASELINE_METRICS) comes once,
    where the first IG start's pass yields it (`scoring_profiles`)."""
    wanted = {s if isinstance(s, Scoring) else Scoring.parse(s) for s in scorings} if scorings else None
    pairs = ig_pairs(options.modes, options.readouts)
    information = information_profile(trained, tokens) if needs_trained_model(metrics) else None
    for index, ig_start in enumerate(ig_starts):
        kept = list(metrics) if index == 0 else [metric for metric in metrics if metric not in BASELINE_METRICS]
        if wanted is not None and not any(scoring.ig_start == ig_start for scoring in wanted):
            # no IG pass, but the baselines it would have yielded still come first
            for metric in [metric for metric in kept if metric in BASELINE_METRICS]:
                yield ModelScoring(Scoring.of_baseline(metric), None, baseline_scoring(metric, information)[2])
            continue
        if not kept:
            continue

        def ig(model):
            return gama_ig_readouts(model, tokens, pairs, ig_start=ig_start, **options.ig_arguments())

        ig_reference = ig(reference)
        ig_null = ig(null) if null is not None else None
        for (mode, readout, metric, reduction), matrix, profile in scoring_profiles(
                ig(trained), ig_reference, kept, reductions, ig_null=ig_null, information=information):
            if metric in BASELINE_METRICS:
                yield ModelScoring(Scoring(mode, readout, NO_SETTING, metric, reduction), None, profile)
                continue
            scoring = Scoring(mode, readout, ig_start, metric, reduction)
            if wanted is None or scoring in wanted:
                yield ModelScoring(scoring, matrix, profile, ig_reference[(mode, readout)],
                                   ig_null[(mode, readout)] if ig_null is not None else None)


def model_profiles(trained: GenerativeLSTM, reference: GenerativeLSTM, tokens: torch.Tensor, options: IGOptions, *,
                   ig_starts=("zero",), metrics=("gama",), reductions=("input",),
                   null: GenerativeLSTM | None = None,
                   scorings=None) -> list[tuple[tuple[str, ...], torch.Tensor]]:
    """[((mode, readout, ig_start, metric, reduction), profile (L,))] of `model_scorings`."""
    return [(scoring.key, scoring.profile)
            for scoring in model_scorings(trained, reference, tokens, options, ig_starts=ig_starts, metrics=metrics,
                                          reductions=reductions, null=null, scorings=scorings)]
