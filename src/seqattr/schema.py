"""The config schema's location and defaults, and the memory check of size keys: below
every stage, so that a stage can read its defaults without importing the workflow's
checker (`seqattr.config`), which imports every stage's checks."""

from __future__ import annotations

import copy
import functools
import os
from pathlib import Path

from seqattr.errors import ConfigError

# The schema of the workflow this library belongs to: a checkout's (src/seqattr/ -> the
# repository root, also for an editable install), else the copy an installed wheel carries
# (setup.py).
CHECKOUT_SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"
PACKAGED_SCHEMA = Path(__file__).resolve().parent / "config.schema.yaml"
SCHEMA = CHECKOUT_SCHEMA if CHECKOUT_SCHEMA.is_file() else PACKAGED_SCHEMA


@functools.cache
def _section_defaults(section: str, schema_path: str) -> dict:
    import yaml

    node = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    for key in section.split("."):
        node = node["properties"][key]
    return {key: spec["default"] for key, spec in node["properties"].items() if "default" in spec}


def schema_defaults(section: str, schema_path=None) -> dict:
    """The schema's default of each key of a section that has one (a copy), the section
    named by its dotted path (`classify`, `generative.training`): the one home of those
    defaults, for library users that build settings without a validated config (bench
    scripts, tests)."""
    return copy.deepcopy(_section_defaults(section, os.fspath(schema_path or SCHEMA)))


# Bytes a sequence of L letters takes through import and encoding, per letter: the
# one-hot array (4 uint8), the padding and ambiguity masks (1 each), the text in pandas
# (1) and the canonical TSV's gzip buffer (about 1); plus per sequence its id and the
# Python string objects (about 150 bytes).
BYTES_PER_LETTER, BYTES_PER_SEQUENCE = 8, 150


def memory_bytes() -> int:
    """This machine's physical memory (bytes); 0 where the OS does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0


def check_size(key: str, n: int, length: int, what: str) -> None:
    """ConfigError when `n` sequences of `length` letters cannot fit this machine's memory."""
    need, have = n * (length * BYTES_PER_LETTER + BYTES_PER_SEQUENCE), memory_bytes()
    if have and need > have:
        raise ConfigError(f"{key}: {n} sequences of {length} {what} need about {need / 1e9:.3g} GB to import and "
                          f"encode, more than this machine's {have / 1e9:.3g} GB of memory; lower it")


