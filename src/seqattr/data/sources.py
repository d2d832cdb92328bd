"""Dispatch a dataset's config entry to its source."""

from __future__ import annotations

from pathlib import Path

from seqattr.data import genomic_benchmarks, local, synthetic
from seqattr.data.canonical import LabelledSplits


def load_dataset(cfg: dict, base: Path = Path(".")) -> LabelledSplits:
    source = cfg["source"]
    if source == "synthetic":
        return synthetic.generate(synthetic.SyntheticSpec.from_config(cfg["synthetic"]))
    if source == "local":
        return local.load(cfg["local"], base)
    if source == "genomic_benchmarks":
        return genomic_benchmarks.load(cfg["genomic_benchmarks"])
    raise ValueError(f"unknown dataset source {source!r}")
