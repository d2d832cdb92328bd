"""The layout the workflow promises: one package per stage, thin scripts, every module of
the library on a floor of one room order with imports pointing down and no import cycles,
and a Snakefile that parses without the deep-learning stack."""

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
        # `from seqattr.<stage> import steps` (or `summary_steps`, the stage's steps that need
        # no torch): the script reaches the library through one steps module only.
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                 and node.module in stages for alias in node.names}
        assert names in ({"steps"}, {"summary_steps"}), f"{script.name} imports {sorted(names)} from its stage"


def stage_order() -> list[str]:
    """The stages in the order the Snakefile includes their rule files (common.smk aside)."""
    includes = re.findall(r'^include: "rules/(\w+)\.smk"$', (REPO / "workflow" / "Snakefile").read_text(), re.M)
    return [stage for stage in includes if stage != "common"]


def test_the_stage_order_is_the_snakefile_s():
    assert stage_order() == ["data", "classify", "saliency", "motifs", "generative", "gama", "gama_validation",
                             "report", "manifest"]


# --- the floors: every module of src/seqattr in one room, imports pointing down -------

# The rooms of the library from the bottom up: a room is a subpackage of seqattr or one of
# its top-level modules (`seqattr` itself is the package's __init__, which re-exports the
# errors). A module may import its own room and the rooms below it, never one above. The
# shared modules sit below the stages, the stages follow the Snakefile's order, and the
# workflow's checker (`config`, which calls every stage's checks), the rule scripts'
# helpers (`workflow`) and the `seqattr` command (`cli`) sit on top.
ROOMS = ["errors", "seqattr", "names", "schema", "io", "minimums", "runtime", "input_lengths", "figures",
         "data", "classify", "saliency", "motifs", "generative", "gama", "gama_validation", "report", "manifest",
         "config", "workflow", "cli"]
SRC = REPO / "src"


def library_modules() -> dict[str, object]:
    """{dotted module name: path} of every module under src/seqattr (a package by its __init__)."""
    modules = {}
    for path in sorted((SRC / "seqattr").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def room_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def imported_modules(module: str, path, modules) -> set[str]:
    """The library modules `module` imports, at the top or in a function: for
    `from a.b import c` the module a.b.c when there is one, else a.b."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's own package, one level up per extra dot
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
    return targets


def import_graph() -> dict[str, set[str]]:
    modules = library_modules()
    return {module: imported_modules(module, path, modules) for module, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_every_module_lives_in_a_room_of_the_order():
    rooms = {room_of(module) for module in library_modules()}
    assert rooms == set(ROOMS), f"not in ROOMS: {sorted(rooms - set(ROOMS))}; no module: {sorted(set(ROOMS) - rooms)}"
    stages = [room for room in ROOMS if room in stage_order()]
    assert stages == stage_order(), "the stages' rooms follow the Snakefile's order"


def test_no_module_imports_a_room_above_its_own():
    """Imports point down the floors, counting function-local ones: a room may use the rooms
    below it, never one above (which would let the two import each other)."""
    floor = {room: position for position, room in enumerate(ROOMS)}
    upward = [f"{module} imports {target}" for module, targets in sorted(import_graph().items())
              for target in sorted(targets) if floor[room_of(target)] > floor[room_of(module)]]
    assert not upward, upward


def test_no_import_cycle_between_modules():
    """No two modules import each other, directly or around a loop (function-local imports counted)."""
    found = cycles(import_graph())
    assert not found, f"modules that import each other: {found}"


def test_the_cycle_finder_finds_a_loop_and_only_a_loop():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


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
