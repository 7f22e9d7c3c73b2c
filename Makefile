# qipp: reproducible notebooks on the NHS QIPP programme, 2010-2015.
# `make` alone lists the targets. Every target that needs Python builds .venv
# from requirements.lock first, so a machine with Python 3.11 and make is enough.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.8

.PHONY: help venv reports docs notebooks test test-fast lint format lab lock synthetic clean

# nbval re-runs every committed notebook and compares its outputs; the one sanitiser
# file masks what legitimately varies between runs.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "qipp needs Python 3.11, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

venv: $(STAMP) ## Create .venv from the pinned lock file (requirements.lock)

reports: $(STAMP) ## Render every notebook, one profile per CCG, and the index (offline HTML)
	$(BIN)/qipp claims --write-dir reports
	$(BIN)/qipp render

# Strict: a warning, a broken link or a reference to a missing name fails (decision 0041).
# tests/integration/test_docs.py builds it the same way, so `make test` checks it too.
docs: $(STAMP) ## Build the documentation site (offline) into docs/_build/html
	$(BIN)/sphinx-build -W --keep-going -n -q -b html docs docs/_build/html

# ruff (scope and rules in pyproject.toml; it reads notebooks' code cells too) and mypy,
# as tests/integration/test_lint.py runs them: one definition, also part of `make test`.
lint: $(STAMP) ## Lint and check formatting (ruff), then type-check qipp/ (mypy)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/integration/test_lint.py

format: $(STAMP) ## Apply ruff's formatting and safe lint fixes
	$(BIN)/ruff check --fix
	$(BIN)/ruff format

# Four workers on two cores: tests that wait on processes (renders, kernels, a browser)
# leave a core idle otherwise (docs/explanation/performance.md has the measurements).
# A file's tests stay together (module fixtures, nbval's kernel); lint runs among them.
test: $(STAMP) ## Every test: lint, unit, doctests, integration, and nbval over every notebook
	$(BIN)/python -m pytest $(NBVAL) -n 4 --dist loadfile --ignore=tests/fixtures/notebooks tests qipp notebooks

test-fast: $(STAMP) ## The unit tier and doctests only (no kernels, renders or nbval)
	$(BIN)/python -m pytest -m unit -n 2 tests/unit qipp

notebooks: $(STAMP) ## Re-execute the committed notebooks in place (review the diff, then commit)
	$(BIN)/qipp render --in-place --no-progress

lab: $(STAMP) ## Open JupyterLab on notebooks/
	$(BIN)/jupyter lab notebooks/

lock: $(STAMP) ## Re-resolve requirements.lock from pyproject.toml (needs the registry)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 --quiet -c constraints.txt -o requirements.lock

synthetic: $(STAMP) ## Regenerate the committed synthetic CCG panels and their sidecars
	$(BIN)/qipp panel synth --out data/synthetic/ccg_panel_q1_2013_14.csv
	$(BIN)/qipp panel synth --quarters 2 --out data/synthetic/ccg_panel_2013_14_q1_q2.csv

clean: ## Remove generated reports, the built docs and caches (keeps .venv)
	rm -rf docs/_build
	find reports -mindepth 1 ! -name README.md -exec rm -rf {} +
	find . -name __pycache__ -type d -prune -not -path './$(VENV)/*' -exec rm -rf {} +
