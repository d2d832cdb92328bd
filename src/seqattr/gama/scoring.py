"""Every scoring of a trained model against its reference, from the models themselves.

One IG pass per model and IG baseline gives every (mode, readout) of the options
(`ig.gama_ig_readouts`); `metric.scoring_profiles` turns each into every metric and
reduction. The synthetic grid and the bench scripts score their models here.
"""

from __future__ import annotations

import torch

from seqattr.gama.ig import gama_ig_readouts
from seqattr.gama.information import information_profile
from seqattr.gama.metric import INFORMATION_METRICS, scoring_profiles, scorings
from seqattr.gama.options import IGOptions
from seqattr.generative.lstm import GenerativeLSTM


def model_profiles(trained: GenerativeLSTM, reference: GenerativeLSTM, tokens: torch.Tensor, options: IGOptions, *,
                   baselines=("zero",), metrics=("gama",), reductions=("input",),
                   null: GenerativeLSTM | None = None) -> list[tuple[tuple[str, ...], torch.Tensor]]:
    """[((mode, readout, baseline, metric, reduction), profile (L,))] for every (mode,
    readout) of `options` x IG baseline x metric x reduction, on the token rows `tokens`.
    `reference` is what the trained model is compared with (the paper: its untrained
    initial state); `null` is the null model the metrics in NULL_METRICS read."""
    pairs = scorings(options.modes, options.readouts)
    information = information_profile(trained, tokens) if set(metrics) & set(INFORMATION_METRICS) else None
    results = []
    for baseline in baselines:
        def ig(model):
            return gama_ig_readouts(model, tokens, pairs, baseline=baseline, **options.ig_arguments())

        ig_null = ig(null) if null is not None else None
        results += [((mode, readout, baseline, metric, reduction), profile)
                    for (mode, readout, metric, reduction), _, profile in
                    scoring_profiles(ig(trained), ig(reference), metrics, reductions, ig_null=ig_null,
                                     information=information)]
    return results
