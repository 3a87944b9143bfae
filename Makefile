# awaitlings: `make check EXERCISE=03` grades an exercise; `make test` runs the pack's own tests.
# The first call of either sets up .venv/ by itself.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CORE_STAMP := $(VENV)/.core-installed
DEV_STAMP := $(VENV)/.dev-installed
EXERCISE ?=
SUBMISSION ?=
PORT ?= 8080
DELAY ?= 5

.PHONY: check test lint generate bench farm clean-venv

$(CORE_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Setting up $(VENV) (first run only)..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(DEV_STAMP): $(CORE_STAMP)
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

check: $(CORE_STAMP)
	@$(PY) -m graders check $(EXERCISE) $(if $(SUBMISSION),--submission "$(SUBMISSION)")

test: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m graders generate --check
	$(PY) -m pytest -q

lint: $(DEV_STAMP)
	$(PY) -m ruff check .

generate: $(CORE_STAMP)
	$(PY) -m graders generate

farm: $(CORE_STAMP)
	@$(PY) -m graders.farm --port $(PORT) --delay $(DELAY)

bench: $(CORE_STAMP)
	$(PY) -m graders.bench

clean-venv:
	rm -rf $(VENV)
