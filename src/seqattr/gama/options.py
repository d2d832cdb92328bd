"""The options of one GAMA IG pass, read once from the config's `gama` section.

Torch-free: the Snakefile reads `IGOptions.keys` while parsing, to pass each IG job
exactly the config keys it reads (so changing any other key reruns nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class IGOptions:
    """What `gama_ig_readouts` and the attributed sample need: which (mode, readout)
    pairs, the path integral's rule and node count, the batch size in (sequence, node)
    rows, how many sequences to attribute (None: all) and the seed of that sample, and
    the device."""

    modes: tuple[str, ...]
    readouts: tuple[str, ...]
    quadrature: str
    steps: int
    batch_size: int
    max_sequences: int | None
    seed: int
    device: str

    # The config key of each field, where it differs from the field's name.
    _CONFIG_NAMES = {"steps": "ig_steps"}

    @classmethod
    def config_keys(cls) -> tuple[str, ...]:
        """The `gama` config keys the options are built from, in field order."""
        return tuple(cls._CONFIG_NAMES.get(field.name, field.name) for field in fields(cls))

    @classmethod
    def from_config(cls, gama: dict, **overrides) -> "IGOptions":
        """From the validated `gama` section (or any dict with its keys, `config_keys`);
        `overrides` set fields by name instead (e.g. the grid's own modes and readouts)."""
        values = {field.name: gama[cls._CONFIG_NAMES.get(field.name, field.name)] for field in fields(cls)
                  if field.name not in overrides}
        values.update(overrides)
        values["modes"], values["readouts"] = tuple(values["modes"]), tuple(values["readouts"])
        return cls(**values)

    def ig_arguments(self) -> dict:
        """The keyword arguments of `gama_ig_readouts` besides the model, tokens, scorings and baseline."""
        return {"quadrature": self.quadrature, "steps": self.steps, "batch_size": self.batch_size,
                "device": self.device}


IG_OPTION_KEYS = IGOptions.config_keys()
