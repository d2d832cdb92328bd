"""Checks of the `saliency` config section across keys, run by the workflow's checker
(`seqattr.config`) after schema validation; each problem is one ConfigError naming the key."""

from __future__ import annotations

from seqattr.errors import ConfigError


def check_config(config: dict) -> None:
    """An evaluation set that fits the test split (known here for synthetic data; other
    sources are checked when the saliency job reads the split). Method names, which
    methods each model allows, fractions, removal and target are the schema's."""
    saliency = config.get("saliency") or {}
    fractions = [float(f) for f in saliency.get("fractions", [])]
    if "summary_fraction" in saliency and fractions:
        if 0.0 not in fractions or not any(abs(f - saliency["summary_fraction"]) < 1e-9 for f in fractions):
            raise ConfigError(f"saliency.summary_fraction: {saliency['summary_fraction']} must be one of "
                              f"saliency.fractions {fractions}, which must include 0 (the intact accuracy)")
    n_eval = saliency.get("n_eval")
    if n_eval is None:
        return
    for name, dataset in config["datasets"].items():
        if dataset["source"] == "synthetic" and n_eval > dataset["synthetic"].get("n_test", 5000):
            raise ConfigError(f"saliency.n_eval: {n_eval} is larger than the test split of {name} "
                              f"({dataset['synthetic'].get('n_test', 5000)} sequences); lower it or use null for the whole split")
