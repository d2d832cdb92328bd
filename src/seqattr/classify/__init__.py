"""Classification stage: the genomic-benchmarks CNN and AttnGen, trained over mask ratios
and seeds, evaluated, and summarised in a table and figures.

Modules: `models/` (the networks and their checkpoints), `engine` (training),
`evaluation` (metrics), `figures` (learning curves, accuracy vs ratio) and `steps` (what
the rule scripts call: files in, files out). This module holds only the torch-free names
the Snakefile needs while parsing.
"""

from __future__ import annotations

import numpy as np

# The `classify` keys a training job reads (besides its model's own section); the mask
# ratio and seed come from the wildcards, threads from the rule. Only these are the
# train rule's params, so adding a ratio or a seed to the sweep retrains nothing else.
TRAINING_KEYS = ("epochs", "batch_size", "learning_rate", "weight_decay", "val_fraction", "patience", "warmup",
                 "warmup_epochs", "warmup_schedule", "eval_masking", "device", "bf16")


def check_ratio(ratio: float | str) -> float:
    """The mask ratio as a float in [0, 1); the library's guard for callers that bypass the config schema."""
    ratio = float(ratio)
    if not 0 <= ratio < 1:
        raise ValueError(f"mask ratio {ratio} is outside [0, 1)")
    return ratio


def format_ratio(ratio: float | str) -> str:
    """The mask ratio as it appears in file names: 0 -> '0', 0.1 -> '0.1', 0.05 -> '0.05'.

    The one formatting used everywhere (rules, scripts, tables), so paths always agree.
    """
    return np.format_float_positional(check_ratio(ratio), trim="-")


# `classify.attention`'s keys that each concentration reads, with the value that leaves them unused.
ATTENTION_STRENGTHS = {"entropy": ("entropy_penalty", 0.0), "temperature": ("temperature", 1.0)}


def attention_options(attention: dict | None) -> dict:
    """AttnGen's hyperparameters for a `classify.attention` section: {} for the paper's
    softmax (concentration none), so a default run's params and checkpoints stay as they
    were; otherwise the concentration and the one strength it reads."""
    concentration = (attention or {}).get("concentration", "none")
    if concentration == "none":
        return {}
    options = {"concentration": concentration}
    if concentration in ATTENTION_STRENGTHS:
        key, _ = ATTENTION_STRENGTHS[concentration]
        options[key] = float(attention[key])
    return options

