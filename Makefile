# Two entry points: `make run` (the embedded demo; CONFIG=... for another) and `make test`
# (the whole suite);
# `make lint` checks the workflow's conventions (.ci/run runs it with the tests);
# `make docs` regenerates the generated documents (docs/results.md and docs/history.md from
# the record in docs/record/, config/README.md from the schema); a test fails when the
# committed ones differ.
# Each creates .venv from the pinned requirements on first use.
# The Python that makes .venv: the first of python3, python3.13 and python3.12 (on PATH, or
# pyenv's installed versions, whose shims run only the selected one) that is 3.12 or newer.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
STAMP := $(VENV)/.installed
CORES ?= all

.PHONY: run test lint docs image clean-venv

$(STAMP): requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "no Python 3.12 or newer found: install one, or name it with PYTHON=..." >&2; exit 1; }
	$(VENV)/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements.txt
	$(VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# CONFIG picks another config (e.g. make run CONFIG=config/enhancers.yaml). It is checked
# first: Snakemake reads --configfile before the workflow starts, and its message for an
# empty file or a YAML syntax error names neither the file nor the line; this one does.
CONFIG ?= config/config.yaml

run: $(STAMP)
	$(VENV)/bin/python -m seqattr.config $(CONFIG)
	$(VENV)/bin/snakemake --cores $(CORES) --configfile $(CONFIG)

test: $(STAMP)
	$(VENV)/bin/python -m pytest

# Snakemake's linter (exits non-zero on any lint) and snakefmt, on workflow/Snakefile and every rule file.
lint: $(STAMP)
	$(VENV)/bin/snakemake --lint
	$(VENV)/bin/snakefmt --check workflow/Snakefile workflow/rules/

# The documents generated from the sources they describe: docs/results.md and docs/history.md
# from the record (docs/record/), config/README.md from its template and the config schema.
# tests/test_docs.py fails when a committed one differs from what this writes.
docs: $(STAMP)
	$(VENV)/bin/python -m seqattr.report.results_doc
	$(VENV)/bin/python -m seqattr.report.config_doc

# The container image (Containerfile) as localhost/seqattr:<version>, with buildah only (no
# registry: its Debian base is made with debootstrap and imported). Needs root, Debian's
# debootstrap and buildah, and the Debian mirror and the Python package index.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
BASE_IMAGE := localhost/seqattr-base:trixie
IMAGE := localhost/seqattr:$(VERSION)
DEBIAN_MIRROR ?= http://deb.debian.org/debian

# PIP_CA=/etc/ssl/certs/ca-certificates.crt where a proxy re-signs TLS: pip in the build
# then trusts that bundle (mounted read-only for the build, not kept in the image).
PIP_CA ?=
PIP_CA_ARGS := $(if $(PIP_CA),--volume $(abspath $(PIP_CA)):/run/pip-ca.crt:ro --build-arg PIP_CERT=/run/pip-ca.crt)

build/base.tar:
	rm -rf build/rootfs && mkdir -p build
	debootstrap --variant=minbase trixie build/rootfs $(DEBIAN_MIRROR)
	tar -C build/rootfs -cf $@ .

image: build/base.tar
	container=$$(buildah from scratch) && buildah add $$container build/base.tar / \
		&& buildah commit --rm $$container $(BASE_IMAGE)
	buildah bud --layers --isolation chroot --build-arg BASE=$(BASE_IMAGE) $(PIP_CA_ARGS) -f Containerfile -t $(IMAGE) .

clean-venv:
	rm -rf $(VENV)
