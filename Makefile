# awaitlings: `make check EXERCISE=03` grades an exercise; `make test` runs the pack's own tests.
# For a learner: `make watch`, `make hint EXERCISE=03`, `make progress`, `make reset EXERCISE=03`.
# The first call of any of them sets up .venv/ by itself. Plain `make` lists the commands.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CORE_STAMP := $(VENV)/.core-installed
DEV_STAMP := $(VENV)/.dev-installed
CLASSROOM_STAMP := $(VENV)/.classroom-installed
EXERCISE ?=
SUBMISSION ?=
ALL ?=
VERBOSE ?=
SETUP_LOG := $(VENV)/setup.log
SUBMISSIONS ?=
GRADES ?= build/grades

.PHONY: help check test test-pythons lint generate bench farm clean-venv hint progress watch reset classroom gradescope grade-all lock new-exercise
.DEFAULT_GOAL := help
PORT ?= 8080
DELAY ?= 5

# pip's output (its warnings too) goes to $(SETUP_LOG), and is shown only when the set-up fails.
PIP_INSTALL = $(PY) -m pip install --quiet --disable-pip-version-check
# The pack installed in place as a plain path (a .pth line), not through setuptools' import hook,
# which costs every interpreter 13 ms at start: a grading starts two (the command, its server).
EDITABLE := --config-settings editable_mode=compat
define quietly
$(1) >>$(SETUP_LOG) 2>&1 || { cat $(SETUP_LOG); echo "Setting up $(VENV) failed: pip said why above (kept in $(SETUP_LOG))."; exit 1; }
endef

help:
	@echo "awaitlings: exercises in Python coroutines and asyncio. For a learner:"
	@echo "  make watch                  check the exercise you are on now and on every save"
	@echo "  make check EXERCISE=03      grade one exercise (03 or byhand); without EXERCISE, all"
	@echo "                              VERBOSE=1: every failure in full, not only the first"
	@echo "  make hint EXERCISE=03       a hint for the first check that failed, one more each time"
	@echo "                              ALL=1: the hints you have seen, again"
	@echo "  make progress               every exercise with its state and score"
	@echo "  make reset EXERCISE=03      start an exercise again from its stub (your work is kept)"
	@echo "  make farm                   the slow animals service of 01 and 05 (PORT=, DELAY=)"
	@echo "For teachers and people who change the pack (README.md, TEACHERS.md, DEVELOPING.md):"
	@echo "  make test, test-pythons, lint, generate, bench, classroom, gradescope, lock, grade-all SUBMISSIONS=DIR"
	@echo "  make new-exercise NN=08 SLUG=relay [TITLE=...]: a new exercise's files, to make its own"
	@echo "The first command sets up .venv/ by itself."

$(CORE_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Setting up $(VENV) (first run only)..."
	@$(call quietly,$(PIP_INSTALL) $(EDITABLE) -e .)
	@touch $@

$(DEV_STAMP): $(CORE_STAMP)
	@$(call quietly,$(PIP_INSTALL) $(EDITABLE) -e '.[dev]')
	@touch $@

# The teachers' tools (nbgrader, Jupyter): only for the classroom targets and the pack's tests.
$(CLASSROOM_STAMP): $(CORE_STAMP)
	@echo "Installing the classroom tools (nbgrader, Jupyter) in $(VENV)..."
	@$(call quietly,$(PIP_INSTALL) $(EDITABLE) -e '.[classroom]')
	@touch $@

check: $(CORE_STAMP)
	@$(PY) -m graders check $(EXERCISE) $(if $(SUBMISSION),--submission "$(SUBMISSION)") $(if $(VERBOSE),--verbose)

hint: $(CORE_STAMP)
	@$(PY) -m graders hint $(EXERCISE) $(if $(ALL),--all)

progress: $(CORE_STAMP)
	@$(PY) -m graders progress

watch: $(CORE_STAMP)
	@$(PY) -m graders watch $(EXERCISE)

reset: $(CORE_STAMP)
	@$(PY) -m graders reset $(EXERCISE)

test: $(DEV_STAMP) $(CLASSROOM_STAMP)
	$(PY) -m ruff check .
	$(PY) -m graders generate --check
	$(PY) -m graders.teachers.classroom --check
	$(PY) -m pytest -q

# The pack's own tests on every supported Python, each in its own build/pythons/X.Y/ venv. An
# interpreter is found as pythonX.Y, else in pyenv's versions; one that is missing is reported.
# PYTEST_ARGS='-m "not nbgrader and not real_limits"' leaves out the slow tests.
PYTHONS ?= 3.11 3.12 3.13
PYTEST_ARGS ?= -q
test-pythons:
	@failed=""; for version in $(PYTHONS); do \
	  interpreter=$$(python$$version -c 'import sys; print(sys.executable)' 2>/dev/null \
	    || ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$version*/bin/python 2>/dev/null | tail -n 1); \
	  if [ -z "$$interpreter" ]; then echo "== Python $$version: not found"; failed="$$failed $$version"; continue; fi; \
	  venv=build/pythons/$$version; echo "== Python $$version ($$interpreter)"; \
	  { test -x $$venv/bin/python || $$interpreter -m venv $$venv; } \
	  && $$venv/bin/python -m pip install --quiet --disable-pip-version-check $(EDITABLE) -e '.[dev,classroom]' \
	  && $$venv/bin/python -m pytest $(PYTEST_ARGS) || failed="$$failed $$version"; \
	done; \
	if [ -n "$$failed" ]; then echo "== failed on:$$failed"; exit 1; fi; echo "== passed on: $(PYTHONS)"

lint: $(DEV_STAMP)
	$(PY) -m ruff check .

# A new exercise's files, each a small working example to replace (DEVELOPING.md, "Adding an
# exercise"): the pack's tests pass on them at once.
new-exercise: $(CORE_STAMP)
	$(PY) -m graders.scaffold $(NN) $(SLUG) $(if $(TITLE),--title "$(TITLE)")

generate: $(CORE_STAMP)
	$(PY) -m graders generate

farm: $(CORE_STAMP)
	@$(PY) -m graders.farm.service --port $(PORT) --delay $(DELAY)

bench: $(CLASSROOM_STAMP)
	$(PY) -m graders.teachers.bench

clean-venv:
	rm -rf $(VENV)

# Teachers: see TEACHERS.md.
classroom: $(CLASSROOM_STAMP)
	$(PY) -m graders.teachers.classroom

# Every package the grader needs, pinned with hashes, for Gradescope (needs the network; the check
# in `make test` does not).
UV_VERSION ?= 0.13.9
LOCK := classroom/requirements-lock.txt
lock: $(CORE_STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(PY) -m uv pip compile pyproject.toml --universal --generate-hashes --quiet \
		--custom-compile-command "make lock" -o $(LOCK)

gradescope: $(CORE_STAMP)
	$(PY) -m graders.teachers.gradescope build $(if $(EXERCISE),--exercises $(EXERCISE)) --out build/autograder.zip

grade-all: $(CORE_STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade-all SUBMISSIONS=DIR [EXERCISE=NN] [GRADES=DIR]"; exit 2; }
	$(PY) -m graders.teachers.batch "$(SUBMISSIONS)" --out "$(GRADES)" $(if $(EXERCISE),--exercises $(EXERCISE))
