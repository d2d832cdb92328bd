"""Checks of the `classify` config section across keys, run by the workflow's checker
(`seqattr.config`) after schema validation; each problem is one ConfigError naming the key."""

from __future__ import annotations

from seqattr.classify import ATTENTION_STRENGTHS
from seqattr.errors import ConfigError


def check_attention(attention: dict | None) -> None:
    """ConfigError naming the key when `classify.attention` sets a strength its
    concentration does not read, or leaves the one it reads at its no-effect value."""
    attention = attention or {}
    concentration = attention.get("concentration", "none")
    for name, (key, unused) in ATTENTION_STRENGTHS.items():
        value = attention.get(key, unused)
        if name == concentration and value == unused:
            raise ConfigError(f"classify.attention.{key}: {value} leaves the attention as it is; give another "
                              f"value with concentration {name}")
        if name != concentration and value != unused:
            raise ConfigError(f"classify.attention.{key}: {value} is read only with concentration {name}, not "
                              f"{concentration}")


def check_config(config: dict) -> None:
    classify = config.get("classify")
    if not classify:
        return
    attngen = classify["attngen"]
    for key in ("kernel_size", "dilated_kernel_size"):
        if attngen[key] % 2 == 0:
            raise ConfigError(f"classify.attngen.{key}: must be odd (keeps one output per position), got {attngen[key]}")
    for name, dataset in config["datasets"].items():
        if dataset["source"] != "synthetic":
            continue  # the size of imported data is known only when a job reads it
        n_train = dataset["synthetic"]["n_train"]
        n_fit = n_train - min(max(1, round(classify["val_fraction"] * n_train)), n_train - 1)
        if classify["batch_size"] > n_fit:
            raise ConfigError(f"classify.batch_size: {classify['batch_size']} is larger than the {n_fit} training "
                              f"sequences of dataset {name} left after the validation split")
    check_attention(classify.get("attention"))
