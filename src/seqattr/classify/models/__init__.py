"""Sequence classifiers (CNN baseline, AttnGen), built by name from a config dict, and
their checkpoints.

Every classifier takes float (N, 4, L) one-hot input and returns logits (N, n_classes).
AttnGen models also have `importance(x) -> (N, L)` and accept `mask_ratio` in forward.
"""

from __future__ import annotations

from seqattr.classify import check_ratio, format_ratio
from seqattr.classify.models.attngen import AttnGen
from seqattr.classify.models.checkpoint import (CheckpointError, expectation, load_checkpoint, read_checkpoint,
                                                save_checkpoint)
from seqattr.classify.models.cnn import GenomicBenchmarksCNN
from seqattr.classify.models.registry import MODELS, build_model, supports_masking

__all__ = ["MODELS", "AttnGen", "CheckpointError", "GenomicBenchmarksCNN", "build_model", "check_ratio",
           "expectation", "format_ratio", "load_checkpoint", "read_checkpoint", "save_checkpoint", "supports_masking"]
