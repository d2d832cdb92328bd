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


# --- each rule's environment provides what its script imports ---------------------------

SRC = ROOT / "src"


def library_module_file(name: str) -> Path | None:
    """The file of a seqattr module (its __init__.py for a package), None for a name that is no module."""
    path = SRC / Path(*name.split("."))
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def module_top_imports(path: Path, name: str) -> set[str]:
    """What a module imports when it is loaded: the imports of its top level (also inside
    top-level `if`/`try` blocks), not those inside functions. `from a import b` gives a and
    a.b (a.b is followed only where it is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    imported = set()
    for statement in ast.parse(path.read_text()).body:
        nodes = ast.walk(statement) if isinstance(statement, (ast.If, ast.Try)) else [statement]
        for node in nodes:
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                imported |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return imported


def third_party_imports_of_script(script: Path) -> set[str]:
    """The top-level modules outside seqattr and the standard library that running the
    script loads: its imports and, transitively, those of every seqattr module they load
    (a module's parent packages included)."""
    seen, third_party = set(), set()
    pending = list(module_top_imports(script, "__script__"))
    while pending:
        name = pending.pop()
        parts = name.split(".")
        if parts[0] != "seqattr":
            third_party.add(parts[0])
            continue
        for depth in range(1, len(parts) + 1):
            module = ".".join(parts[:depth])
            path = library_module_file(module)
            if path and module not in seen:
                seen.add(module)
                pending.extend(module_top_imports(path, module))
    return third_party - set(sys.stdlib_module_names) - {"__future__", "snakemake"}


def rule_environments_and_scripts() -> dict[str, tuple[str, str]]:
    """{rule: (env file name, script path)} of every rule with a script, from workflow/rules/*.smk."""
    rules = {}
    for path in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        for block in re.split(r"^(?=rule \w+:)", path.read_text(), flags=re.M)[1:]:
            name = re.match(r"rule (\w+):", block).group(1)
            script = re.search(r'^    script:\s*\n\s*"([^"]+)"', block, re.M)
            env = re.search(r'^    conda:\s*\n\s*"([^"]+)"', block, re.M)
            if script:
                assert env, f"rule {name} has a script but no conda env"
                rules[name] = (Path(env.group(1)).name, str((path.parent / script.group(1)).resolve()))
    return rules


def test_every_rule_s_environment_provides_what_its_script_imports():
    distributions = packages_distributions()
    pins = environment_pins()
    problems = []
    for rule, (env, script) in rule_environments_and_scripts().items():
        needed = {normalise(distributions[module][0]) for module in third_party_imports_of_script(Path(script))}
        missing = needed - set(pins[env])
        if missing:
            problems.append(f"rule {rule} ({Path(script).name}) runs in {env}, which lacks {sorted(missing)}")
    assert not problems, "\n".join(problems)


# Rules that need no torch run in the light environments: the data stage's in
# data.yaml; tables, summaries, figures from finished results, the report and the motif
# database in tables.yaml. The manifest stays in torch.yaml: it records torch's version and
# the GPUs the run had.
LIGHT_RULES = {
    "data.yaml": {"generate_synthetic_dataset", "import_dataset", "one_hot_encode", "summarise_dataset",
                  "generative_set_hygiene"},
    "tables.yaml": {"aggregate_classification", "plot_classification", "compare_classifiers", "perturbation_summary",
                    "motif_recovery", "saliency_figures", "saliency_convergence", "motif_database", "motif_summary",
                    "report_tables"},
}


def test_the_light_rules_run_in_environments_without_torch():
    rules = rule_environments_and_scripts()
    pins = environment_pins()
    for env, names in LIGHT_RULES.items():
        assert "torch" not in pins[env], env
        assert {rule for rule, (rule_env, _) in rules.items() if rule_env == env} == names, env


def test_the_script_import_walk_sees_torch_through_a_steps_module():
    """The walk follows a script into its stage's steps module (torch at its top)."""
    assert "torch" in third_party_imports_of_script(ROOT / "workflow" / "scripts" / "train_classifier.py")
    assert "torch" not in third_party_imports_of_script(ROOT / "workflow" / "scripts" / "aggregate_classification.py")
