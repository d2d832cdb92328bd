"""Checks of the `datasets` config section across keys, run by the workflow's checker
(`seqattr.config`) after schema validation; each problem is one ConfigError naming the key."""

from __future__ import annotations

from seqattr.errors import ConfigError
from seqattr.minimums import MIN_PER_CLASS
from seqattr.schema import check_size


def check_synthetic_classes(key: str, n: int, n_classes: int) -> None:
    """The synthetic generator balances classes exactly (n // classes each, the first
    n % classes one more): the smallest gets at least MIN_PER_CLASS."""
    if n // n_classes < MIN_PER_CLASS:
        raise ConfigError(f"{key}: {n} sequences over {n_classes} classes leave {n // n_classes} in the smallest "
                          f"class, fewer than {MIN_PER_CLASS} (each class needs {MIN_PER_CLASS} in train and in test: "
                          f"one test sequence gives a class an accuracy of 0 or 1); raise it to at least "
                          f"{MIN_PER_CLASS * n_classes}")


def check_config(config: dict) -> None:
    for name, dataset in config["datasets"].items():
        source = dataset["source"]
        if source not in dataset:
            raise ConfigError(f"datasets.{name}: source is {source!r} but the section '{source}:' is missing")
        if source == "synthetic":
            spec = dataset["synthetic"]
            for key in ("n_train", "n_test"):
                if key not in spec:  # a config not yet filled with the schema's defaults
                    continue
                check_size(f"datasets.{name}.synthetic.{key}", spec[key], spec["length"], "nt")
                check_synthetic_classes(f"datasets.{name}.synthetic.{key}", spec[key], len(spec["classes"]))
        if source == "local":
            local = dataset["local"]
            if not local.get("test") and local.get("test_fraction") is None:
                raise ConfigError(f"datasets.{name}.local: give either 'test' (a file) or 'test_fraction' (0 < f < 1)")
        if source == "synthetic":
            spec = dataset["synthetic"]
            longest_motif = max(len(m) for c in spec["classes"] for m in c["motifs"])
            if longest_motif * spec["max_instances"] > spec["length"]:
                raise ConfigError(f"datasets.{name}.synthetic: {spec['max_instances']} motifs of up to "
                                  f"{longest_motif} nt do not fit in length {spec['length']}")
            if spec["own_motif_probability"] + spec["swap_motif_probability"] > 1:
                raise ConfigError(f"datasets.{name}.synthetic: own_motif_probability + swap_motif_probability must be <= 1")
