# awaitlings: `make check EXERCISE=03` grades an exercise; `make test` runs the pack's own tests.
# For a learner: `make watch`, `make hint EXERCISE=03`, `make progress`, `make reset EXERCISE=03`.
# The first call of any of them sets up .venv/ by itself.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CORE_STAMP := $(VENV)/.core-installed
DEV_STAMP := $(VENV)/.dev-installed
CLASSROOM_STAMP := $(VENV)/.classroom-installed
EXERCISE ?=
SUBMISSION ?=
SUBMISSIONS ?=
GRADES ?= build/grades

.PHONY: check test lint generate bench farm clean-venv hint progress watch reset classroom gradescope grade-all
PORT ?= 8080
DELAY ?= 5


$(CORE_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Setting up $(VENV) (first run only)..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(DEV_STAMP): $(CORE_STAMP)
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# The teachers' tools (nbgrader, Jupyter): only for the classroom targets and the pack's tests.
$(CLASSROOM_STAMP): $(CORE_STAMP)
	@echo "Installing the classroom tools (nbgrader, Jupyter) in $(VENV)..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[classroom]'
	@touch $@

check: $(CORE_STAMP)
	@$(PY) -m graders check $(EXERCISE) $(if $(SUBMISSION),--submission "$(SUBMISSION)")

hint: $(CORE_STAMP)
	@$(PY) -m graders hint $(EXERCISE)

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

lint: $(DEV_STAMP)
	$(PY) -m ruff check .

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

gradescope: $(CORE_STAMP)
	$(PY) -m graders.teachers.gradescope build $(if $(EXERCISE),--exercises $(EXERCISE)) --out build/autograder.zip

grade-all: $(CORE_STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade-all SUBMISSIONS=DIR [EXERCISE=NN] [GRADES=DIR]"; exit 2; }
	$(PY) -m graders.teachers.batch "$(SUBMISSIONS)" --out "$(GRADES)" $(if $(EXERCISE),--exercises $(EXERCISE))
