"""The release: pyproject.toml's version is the changelog's newest release, the installed
package's, what `seqattr --version` prints and what the manifest records
(tests/test_manifest.py); `seqattr config FILE` checks a config as the Snakefile does."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import seqattr
from conftest import REPO
from seqattr.cli import main

SEQATTR = Path(sys.executable).with_name("seqattr")


def project_version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def changelog_sections() -> list[tuple[str, str]]:
    """(heading, body) of every `## [...]` section of CHANGELOG.md, in file order."""
    text = (REPO / "CHANGELOG.md").read_text()
    parts = re.split(r"^## \[([^\]]+)\][^\n]*\n", text, flags=re.M)
    return list(zip(parts[1::2], parts[2::2]))


def test_the_changelog_starts_with_an_empty_unreleased_then_this_version():
    (first, body), (second, _) = changelog_sections()[:2]
    assert first == "Unreleased" and not body.strip()
    assert second == project_version()
    assert re.search(rf"^\[{re.escape(second)}\]: \S+v{re.escape(second)}$", (REPO / "CHANGELOG.md").read_text(), re.M)


def test_the_installed_package_is_this_version():
    assert seqattr.__version__ == seqattr.installed_version() == project_version()


def test_the_console_command_prints_the_version():
    result = subprocess.run([str(SEQATTR), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == f"seqattr {project_version()}"


def test_config_subcommand_accepts_a_shipped_config(capsys):
    assert main(["config", str(REPO / "config" / "test.yaml")]) == 0
    assert capsys.readouterr().out.strip().endswith("test.yaml: ok")


def test_config_subcommand_names_the_file_and_key_of_a_bad_config(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("run: [1]\n")
    result = subprocess.run([str(SEQATTR), "config", str(bad)], capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{bad}: config key run: [1] is not of type 'string'"), line


def test_no_subcommand_prints_the_usage(capsys):
    assert main([]) == 2
    assert "config" in capsys.readouterr().out


def test_a_built_wheel_carries_the_workflow_schema(tmp_path):
    """Outside a checkout (a deployed module's environment, the image) the library reads its
    defaults from the schema the wheel carries (setup.py), the workflow's own."""
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", str(REPO),
                    "-w", str(tmp_path)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("seqattr-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        packaged = archive.read("seqattr/config.schema.yaml")
    assert packaged == (REPO / "workflow" / "schemas" / "config.schema.yaml").read_bytes()


def test_the_library_reads_the_checkout_s_schema_in_a_checkout():
    from seqattr.schema import CHECKOUT_SCHEMA, SCHEMA

    assert SCHEMA == CHECKOUT_SCHEMA == REPO / "workflow" / "schemas" / "config.schema.yaml"
