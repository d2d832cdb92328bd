"""The layout the workflow promises: one package per stage, thin scripts, and a Snakefile
that parses without the deep-learning stack."""

import ast
import os
import re
import subprocess

import pytest

from conftest import REPO, SNAKEMAKE

STAGES = sorted(p.stem for p in (REPO / "workflow" / "rules").glob("*.smk") if p.stem != "common")


def test_every_rule_file_has_its_package_with_steps():
    assert STAGES == ["classify", "data", "gama", "gama_validation", "generative", "manifest", "motifs", "report",
                      "saliency"]
    for stage in STAGES:
        assert (REPO / "src" / "seqattr" / stage / "steps.py").is_file(), stage


def test_scripts_call_only_a_stage_steps_module():
    for script in sorted((REPO / "workflow" / "scripts").glob("*.py")):
        tree = ast.parse(script.read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        stages = {f"seqattr.{stage}" for stage in STAGES}
        assert imported <= stages | {"seqattr.workflow"}, f"{script.name} imports {sorted(imported)}"
        # `from seqattr.<stage> import steps`: the script reaches the library through steps only.
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                 and node.module in stages for alias in node.names}
        assert names == {"steps"}, f"{script.name} imports {sorted(names)} from its stage"


def stage_order() -> list[str]:
    """The stages in the order the Snakefile includes their rule files (common.smk aside)."""
    includes = re.findall(r'^include: "rules/(\w+)\.smk"$', (REPO / "workflow" / "Snakefile").read_text(), re.M)
    return [stage for stage in includes if stage != "common"]


def imported_seqattr_packages(path) -> set[str]:
    """The seqattr.<name> packages or modules a file imports, at the top or in a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the file's own package, one level up per extra dot
                package = path.relative_to(REPO / "src").parent.parts
                module = ".".join(package[: len(package) - node.level + 1] + ((node.module,) if node.module else ()))
            else:
                module = node.module or ""
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return {name.split(".")[1] for name in names if name.startswith("seqattr.")}


def test_the_stage_order_is_the_snakefile_s():
    assert stage_order() == ["data", "classify", "saliency", "motifs", "generative", "gama", "gama_validation",
                             "report", "manifest"]


def test_no_stage_package_imports_a_later_stage():
    """Arrows point down the stage order: a stage may use the library of the stages before
    it (and the shared top-level modules), never one that comes after it."""
    order = stage_order()
    upward = []
    for position, stage in enumerate(order):
        later = set(order[position + 1 :])
        for path in sorted((REPO / "src" / "seqattr" / stage).rglob("*.py")):
            for package in sorted(imported_seqattr_packages(path) & later):
                upward.append(f"{path.relative_to(REPO)} imports seqattr.{package}")
    assert not upward, upward


@pytest.mark.workflow
def test_parsing_the_workflow_imports_neither_torch_nor_biopython(tmp_path):
    """A dry run of every stage with `torch` and `Bio` replaced by packages that refuse
    to be imported: the Snakefile, the rule files and what they import must not need them."""
    for name in ("torch", "Bio"):
        (tmp_path / "blocked" / name).mkdir(parents=True)
        (tmp_path / "blocked" / name / "__init__.py").write_text(f"raise ImportError('{name} imported while parsing')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "blocked")}
    result = subprocess.run([str(SNAKEMAKE), "-s", str(REPO / "workflow" / "Snakefile"), "-d", str(tmp_path), "-n", "--cores", "1",
                             "--configfile", str(REPO / "config" / "test.yaml")],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    assert "gama_grid_experiment" in result.stdout and "train" in result.stdout
