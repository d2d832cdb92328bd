"""The workflow's checker: schema validation, then each stage's checks across keys (its
`checks.check_config`, in stage order), the table overrides of the command line, and the
loading of a config file (`python -m seqattr.config FILE`).

Each problem raises ConfigError with one line naming the key and what is allowed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import jsonschema
import yaml

from seqattr.classify import checks as classify_checks
from seqattr.data import checks as data_checks
from seqattr.errors import ConfigError
from seqattr.gama import checks as gama_checks
from seqattr.gama_validation import checks as gama_validation_checks
from seqattr.generative import checks as generative_checks
from seqattr.motifs import checks as motifs_checks
from seqattr.saliency import checks as saliency_checks
from seqattr.schema import SCHEMA

# Top-level keys that set the table of every generative set of one kind, so that a run
# config can be pointed at another file from the command line (--config absolut_table=...).
TABLE_OVERRIDES = {"absolut_table": "absolut", "mason_table": "mason"}


def generative_sets(config: dict) -> dict:
    return (config.get("generative") or {}).get("sets") or {}


def apply_table_overrides(config: dict, project_root=None) -> None:
    """Copy `absolut_table` / `mason_table` into generative.sets.*.path of that source (in place).

    A relative path stays relative, to the working directory, like every data path of a
    config; with `project_root` it is taken from that folder instead.
    """
    for key, kind in TABLE_OVERRIDES.items():
        path = config.get(key)
        if path is None:
            continue
        if project_root is not None and not os.path.isabs(os.path.expanduser(str(path))):
            path = os.path.normpath(os.path.join(str(project_root), str(path)))
        sets = {name: spec for name, spec in generative_sets(config).items()
                if isinstance(spec, dict) and spec.get("source") == kind}
        if not sets:
            raise ConfigError(f"{key}: there is no generative set with source {kind!r} for it to set the path of")
        name = config.get(NAME_OVERRIDES[key]) or set_name_from_file(path)
        # One set takes the table's name; several (e.g. one per epitope) keep theirs after it.
        names = {old: name if len(sets) == 1 else f"{name}_{old}" for old in sets}
        for spec in sets.values():
            spec["path"] = str(path)
        config["generative"]["sets"] = {names.get(k, k): v for k, v in generative_sets(config).items()}


# The set whose table absolut_table / mason_table gives is named for that table: by
# absolut_name / mason_name when given, else from its file name (`set_name_from_file`),
# so that outputs and titles follow the data, not the config's placeholder name.
NAME_OVERRIDES = {"absolut_table": "absolut_name", "mason_table": "mason_name"}


def set_name_from_file(path) -> str:
    """absolut_3Q3G_binders.tsv -> absolut_3Q3G: the file name without its extensions
    (.tsv, .csv, .gz, ...) and a trailing "_binders"; characters other than letters,
    digits, _ and - become _."""
    stem = os.path.basename(str(path)).split(".")[0]
    stem = re.sub(r"_binders$", "", stem)
    name = re.sub(r"[^A-Za-z0-9_-]", "_", stem).lstrip("_-")
    if not name:
        raise ConfigError(f"{path}: no set name can be made from this file name; give absolut_name / mason_name")
    return name


def check_config(config: dict) -> None:
    """Every stage's checks across keys, in the stage order of the workflow."""
    data_checks.check_config(config)
    classify_checks.check_config(config)
    saliency_checks.check_config(config)
    motifs_checks.check_config(config)
    generative_checks.check_config(config)
    gama_checks.check_config(config)
    gama_validation_checks.check_config(config)


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


def validate_config(config: dict, schema_path) -> None:
    """Schema validation (which fills the schema's defaults into `config`, in place), then
    the cross-key checks: the Snakefile's check, also usable on a config loaded by hand.
    Every problem is one ConfigError naming the key."""
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    # before the schema, whose error for a retired name would not name the new one
    gama_checks.check_names(config)
    gama_validation_checks.check_names(config)
    try:
        validate(config, str(schema_path))
    except WorkflowError as error:
        if error.__context__ is None:
            raise
        raise ConfigError(schema_error_line(error.__context__)) from None
    check_integers(config, schema_path)
    check_config(config)


def check_integers(config: dict, schema_path) -> None:
    """The schema's `integer` is strict here: JSON Schema counts 1.0 as an integer, but
    `seeds: [1.0]` would fail later in a wildcard and `epochs: 2.0` in a training job."""
    schema = yaml.safe_load(Path(schema_path).read_text(encoding="utf-8"))
    base = jsonschema.validators.validator_for(schema)
    checker = base.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool))
    strict = jsonschema.validators.extend(base, type_checker=checker)(schema)
    error = jsonschema.exceptions.best_match(strict.iter_errors(config))
    if error is None:
        return
    if error.validator == "type" and isinstance(error.instance, float) and error.instance.is_integer():
        key = ".".join(map(str, error.absolute_path))
        raise ConfigError(f"config key {key}: {error.instance!r} is not an integer; write "
                          f"{int(error.instance)} (without the decimal point)")
    raise ConfigError(schema_error_line(error))


def load_config_file(path) -> dict:
    """A YAML (or JSON) config file as a dict; ConfigError naming the file, and for a YAML
    syntax error its line and column, for a file that is empty or not a mapping.

    Snakemake reads `--configfile` before the workflow starts and reports these problems
    without the file name; this is what `python -m seqattr.config FILE` uses instead.
    """
    path = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    try:
        config = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - raw.rfind(b"\n", 0, error.start)
        raise ConfigError(f"{path}: line {line}, column {column}: byte 0x{raw[error.start]:02x} is not UTF-8 "
                          f"text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{path}: {where}YAML syntax error ({problem})") from None
    if config is None:
        raise ConfigError(f"{path}: empty config file")
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: a config is a mapping of keys (run:, datasets:, ...), "
                          f"not a {type(config).__name__}")
    return config


def check_config_file(path, schema_path=None) -> dict:
    """Load, fill defaults and validate a config file as the Snakefile does; the checked
    config, or ConfigError naming the file and the key."""
    schema_path = schema_path or SCHEMA
    config = load_config_file(path)
    try:
        apply_table_overrides(config)
        validate_config(config, schema_path)
    except ConfigError as error:
        raise ConfigError(f"{os.fspath(path)}: {error}") from None
    return config


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python -m seqattr.config CONFIG_FILE")
    try:
        check_config_file(sys.argv[1])
    except ConfigError as error:
        sys.exit(str(error))
    print(f"{sys.argv[1]}: ok")
