# jamwatch developer commands. Every target creates .venv and installs the project when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo-out

.PHONY: demo test lint format bench eval fixtures clean help browser

help:
	@echo "make demo      simulate a jammed 49 m band scene and analyse it"
	@echo "make test      run the whole test suite"
	@echo "make lint      ruff + mypy (strict)"
	@echo "make bench     detector and API benchmarks (docs/benchmarks.md, docs/api.md)"
	@echo "make eval      detector evaluation on simulated scenes (results in docs/evaluation.md)"
	@echo "make fixtures  regenerate the committed SigMF test corpus and its expected verdicts"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/jamwatch demo --out $(DEMO_DIR)

# Chromium from the system packages, for the page's browser tests (no-op when present).
browser:
	sh scripts/install-browser.sh

test: $(STAMP) browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.receiver
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.api --sqlite --receivers 1

eval: $(STAMP)
	$(BIN)/python -m bench.evaluate

fixtures: $(STAMP)
	$(BIN)/python -m tests.fixtures.regenerate

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
