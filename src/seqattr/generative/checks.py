"""Checks of the `generative` config section across keys, run by the workflow's checker
(`seqattr.config`) after schema validation; each problem is one ConfigError naming the key."""

from __future__ import annotations

from seqattr.errors import ConfigError
from seqattr.minimums import check_synthetic_set
from seqattr.schema import check_size


def check_config(config: dict) -> None:
    fraction = ((config.get("generative") or {}).get("training") or {}).get("validation_fraction", 0.1)
    for name, spec in config.get("generative", {}).get("sets", {}).items():
        key = f"generative.sets.{name}"
        if spec["source"] == "synthetic":
            if "n" in spec:  # a config not yet filled with the schema's defaults
                check_size(f"{key}.n", spec["n"], spec["length"], "residues")
            positions = spec.get("positions")
            if not positions:
                raise ConfigError(f"{key}.positions: a synthetic set needs 2 to 4 implanted positions (1-based)")
            if max(positions) > spec["length"]:
                raise ConfigError(f"{key}.positions: {positions} must lie in 1..{spec['length']} (length)")
            if spec.get("tokens") is not None and len(spec["tokens"]) != len(positions):
                raise ConfigError(f"{key}.tokens: give one residue per position ({len(positions)})")
        elif not spec.get("path"):
            raise ConfigError(f"{key}.path: source {spec['source']!r} needs the path of the set's file")
        if spec["source"] == "synthetic":
            check_synthetic_set(key, spec, fraction)
