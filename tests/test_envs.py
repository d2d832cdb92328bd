"""The conda environments (workflow/envs/*.yaml, for `snakemake --sdm conda`) provide every
third-party package the library imports, at requirements.txt's pins."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# Imported only by the main Snakemake process (config validation), never inside a job.
MAIN_PROCESS_ONLY = {"snakemake", "jsonschema"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[normalise(name)] = version.strip()
    return pins


def environment_pins() -> dict[str, dict[str, str]]:
    """{env file: {distribution: version}} over conda and pip entries."""
    pins = {}
    for path in sorted((ROOT / "workflow" / "envs").glob("*.yaml")):
        entries = {}
        for dependency in yaml.safe_load(path.read_text())["dependencies"]:
            for spec in dependency["pip"] if isinstance(dependency, dict) else [dependency]:
                name, version = (re.split(r"==|=", spec.strip()) + [""])[:2]
                entries[normalise(name)] = version.strip()
        pins[path.name] = entries
    return pins


def imported_distributions() -> set[str]:
    modules = set()
    for path in (ROOT / "src" / "seqattr").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    distributions = packages_distributions()
    third_party = modules - set(sys.stdlib_module_names) - {"seqattr"} - MAIN_PROCESS_ONLY
    return {normalise(distributions[module][0]) for module in third_party}


def test_the_environments_provide_every_imported_package():
    provided = set().union(*(set(entries) for entries in environment_pins().values()))
    missing = imported_distributions() - provided
    assert not missing, f"imported by src/seqattr but in no workflow/envs/*.yaml: {sorted(missing)}"


def test_environment_pins_agree_with_requirements():
    requirements = requirement_pins()
    for env, entries in environment_pins().items():
        for name, version in entries.items():
            if name in requirements:
                assert version == requirements[name], f"workflow/envs/{env}: {name} {version}, requirements.txt {requirements[name]}"
