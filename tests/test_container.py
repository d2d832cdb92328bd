"""The Containerfile installs exactly requirements.txt's pins and this package, on a Debian
whose Python is >= 3.12, and `make image` builds it from the base the Makefile makes."""

import re

from conftest import REPO

CONTAINERFILE = (REPO / "Containerfile").read_text()
MAKEFILE = (REPO / "Makefile").read_text()


def pip_installs(text: str) -> list[str]:
    """The arguments of every `pip install` in the Containerfile's RUN lines."""
    joined = text.replace("\\\n", " ")
    return [match.strip() for match in re.findall(r"pip install ([^&\n]+)", joined)]


def test_the_image_installs_requirements_txt_then_the_package_without_dependencies():
    installs = pip_installs(CONTAINERFILE)
    assert "--no-cache-dir -r requirements.txt" in installs
    package = [args for args in installs if args.endswith(" .")]
    assert package and "--no-deps" in package[0]
    # nothing else is pinned or installed beside them (pip itself aside)
    others = [args for args in installs if args not in package and "-r requirements.txt" not in args]
    assert others == ["--no-cache-dir --upgrade pip"], others
    assert "COPY requirements.txt" in CONTAINERFILE


def test_the_base_is_a_debian_whose_python_is_at_least_3_12():
    """trixie's python3 is 3.13; bookworm's (3.11) is below the project's requires-python."""
    suites = re.findall(r"debootstrap --variant=minbase (\w+) ", MAKEFILE)
    assert suites == ["trixie"]
    assert re.search(r"^ARG BASE=localhost/seqattr-base:trixie$", CONTAINERFILE, re.M)
    assert "BASE_IMAGE := localhost/seqattr-base:trixie" in MAKEFILE


def test_the_image_is_tagged_with_the_project_version():
    assert "IMAGE := localhost/seqattr:$(VERSION)" in MAKEFILE
    assert "-t $(IMAGE)" in MAKEFILE
