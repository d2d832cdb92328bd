"""bench/ is a user of the library: every script is listed in bench/README.md (and every
listed script exists), every script compiles, and every seqattr name it imports, at the
top or inside a function, exists in the library. Nothing is run: the scripts are long
measurements; the loops among them that set shipped defaults are library functions with
their own smoke tests."""

import ast
import importlib
import py_compile
import re

import pytest

from conftest import REPO

BENCH = REPO / "bench"
SCRIPTS = sorted(BENCH.glob("*.py"))


def listed_scripts() -> list[str]:
    """The script named in the first cell of each row of bench/README.md's tables."""
    return re.findall(r"^\|\s*`([^`]+\.py)`\s*\|", (BENCH / "README.md").read_text(), re.M)


def test_every_bench_script_is_in_the_readme_and_every_listed_one_exists():
    listed = listed_scripts()
    assert len(listed) == len(set(listed)), f"listed twice: {sorted({s for s in listed if listed.count(s) > 1})}"
    files = {path.name for path in SCRIPTS}
    assert not files - set(listed), f"bench/README.md lacks {sorted(files - set(listed))}"
    assert not set(listed) - files, f"bench/README.md lists scripts not in bench/: {sorted(set(listed) - files)}"


def seqattr_imports(path) -> list[tuple[str, str | None]]:
    """(module, name or None) of every `import seqattr...` and `from seqattr... import name`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name.split(".")[0] == "seqattr"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "seqattr":
            found += [(node.module, alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_a_bench_script_compiles_and_imports_only_what_the_library_has(script, tmp_path):
    py_compile.compile(str(script), cfile=str(tmp_path / "compiled.pyc"), doraise=True)
    missing = []
    for module, name in seqattr_imports(script):
        try:
            imported = importlib.import_module(module)
        except ImportError as error:
            missing.append(f"{module}: {error}")
            continue
        if name is not None and not hasattr(imported, name):
            try:  # `from package import submodule`
                importlib.import_module(f"{module}.{name}")
            except ImportError:
                missing.append(f"{module}.{name}")
    assert not missing, f"{script.name} imports what the library does not have: {missing}"
