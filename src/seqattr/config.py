"""Checks a JSON schema cannot express, run right after schema validation.

Each raises ConfigError with one line naming the key and what is allowed.
"""

from __future__ import annotations


class ConfigError(ValueError):
    pass


def check_datasets(config: dict) -> None:
    for name, dataset in config["datasets"].items():
        source = dataset["source"]
        if source not in dataset:
            raise ConfigError(f"datasets.{name}: source is {source!r} but the section '{source}:' is missing")
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


def check_config(config: dict) -> None:
    check_datasets(config)


def schema_error_line(error) -> str:
    """One line for a jsonschema ValidationError: the key, the problem, what is allowed."""
    key = ".".join(map(str, error.absolute_path)) or "(top level)"
    message = error.message
    if error.validator == "additionalProperties" and isinstance(error.schema.get("properties"), dict):
        message += f"; allowed keys: {', '.join(error.schema['properties'])}"
    elif error.validator == "not" and "description" in error.schema:
        message = f"{error.instance!r} is not allowed"
    description = error.schema.get("description")
    return f"config key {key}: {message}" + (f" ({description.strip()})" if description else "")
