# Every target is one command of the pipeline; the logic lives in pipeline/.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
RUN    := $(PY) -m pipeline

.DEFAULT_GOAL := help
.PHONY: help publish update status check test bench import clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 10

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

publish: $(VENV)/.installed ## update catalogues, then write out/ (DRAFT=1: publish unfinished languages as drafts)
	$(RUN) publish $(if $(DRAFT),--draft)

update: $(VENV)/.installed ## only bring locales/*.pot and *.po up to date with source/
	$(RUN) update

status: $(VENV)/.installed ## translated / fuzzy / untranslated per statement and language, and out/status.html
	$(RUN) status

check: $(VENV)/.installed ## quality checks on the translations (non-zero exit on errors)
	$(RUN) check

test: $(VENV)/.installed-test ## run the test suite
	$(PY) -m pytest -q

bench: $(VENV)/.installed-test ## speed and memory figures (bench/RESULTS.md)
	$(PY) -m bench

import: $(VENV)/.installed ## import a raw statement: make import FILE=statement.txt [SLUG=name] [FORCE=1]
	$(RUN) import $(FILE) $(if $(SLUG),--slug $(SLUG)) $(if $(FORCE),--force)

clean: ## remove out/ and .cache/ (generated)
	rm -rf out .cache
