# Two entry points: `make run` (the embedded demo; CONFIG=... for another) and `make test`
# (the whole suite);
# `make lint` checks the workflow's conventions (.ci/run runs it with the tests);
# `make docs` regenerates the generated documents (docs/results.md and docs/history.md from
# the record in docs/record/, config/README.md from the schema); a test fails when the
# committed ones differ.
# Each creates .venv from the pinned requirements on first use.
PYTHON ?= python3.12
VENV := .venv
STAMP := $(VENV)/.installed
CORES ?= all

.PHONY: run test lint docs clean-venv

$(STAMP): requirements.txt pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
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

clean-venv:
	rm -rf $(VENV)
