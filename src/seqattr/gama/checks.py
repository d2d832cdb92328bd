"""The gama section's checks beyond the schema's, called by the workflow's checker
(`seqattr.config`): `check_names` before the schema (a retired name or a scoring outside
the grammar gets a line naming what it is now), `check_config` after it (the schema's
defaults filled in). Torch-free: the Snakefile runs them while parsing."""

from __future__ import annotations

from seqattr.errors import ConfigError
from seqattr.gama.vocabulary import GAMA_IG_START, RENAMED_VALUES, SECTION_KEYS, Scoring
from seqattr.minimums import check_gama_sizes
from seqattr.schema import schema_defaults


def check_renamed_modes(key: str, section: dict) -> None:
    """ConfigError for a retired mode name in `section["modes"]`, naming the new one."""
    modes = section.get("modes")
    for mode in modes if isinstance(modes, list) else []:
        if isinstance(mode, str) and mode in RENAMED_VALUES:
            raise ConfigError(f"{key}.modes: {mode!r} is now named {RENAMED_VALUES[mode]!r} (what the authors' code "
                              f"computes; the paper's method is 'exact')")


def parse_scorings(key: str, section: dict) -> list[Scoring]:
    """Each of `section["scorings"]` as a `Scoring` (`Scoring.parse`: one line naming
    `key`.scorings and what is allowed for a string outside the grammar)."""
    scorings = section.get("scorings")
    if not isinstance(scorings, list):
        return []
    return [Scoring.parse(text, f"{key}.scorings") for text in scorings if isinstance(text, str)]


def check_listed_scorings(key: str, section: dict, fixed: dict | None = None) -> None:
    """Each listed scoring must lie in the cross product of the section's lists (modes,
    readouts, ...; the schema's default where the section omits one; `fixed`: the one
    value a part takes where the section has no key)."""
    fixed = fixed or {}
    for scoring in parse_scorings(key, section):
        for name, value in zip(Scoring.field_names(), scoring.key):
            allowed = fixed[name] if name in fixed else section.get(SECTION_KEYS[name],
                                                                    schema_defaults(key).get(SECTION_KEYS[name]))
            if value not in allowed:
                where = f"{key}.{SECTION_KEYS[name]}" if name not in fixed else f"the only {name} of {key}"
                raise ConfigError(f"{key}.scorings: {scoring.format()!r} has {name} {value!r}, not among "
                                  f"{where} {list(allowed)}")


def check_names(config: dict) -> None:
    """Before the schema: retired names and the scoring grammar of the gama section."""
    gama = config.get("gama")
    if isinstance(gama, dict):
        check_renamed_modes("gama", gama)
        parse_scorings("gama", gama)


def check_config(config: dict) -> None:
    """The gama section's cross-key checks: the bootstrap's sample sizes and the listed
    scorings (whose IG start is the section's one, `GAMA_IG_START`)."""
    if not config.get("gama"):
        return
    check_gama_sizes(config)
    check_listed_scorings("gama", config["gama"], {"ig_start": [GAMA_IG_START]})
