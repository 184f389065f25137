# The two set-up commands are `make run` and `make test`; everything else here serves them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLAN ?= plans/nst-city-2565.yaml
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit install bench drill drill-replicas clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's dependency list changes.
# scripts/system-deps.sh adds the Thai font the reports need (Debian fonts-thai-tlwg).
$(STAMP): pyproject.toml scripts/system-deps.sh | $(BIN)/python
	sh scripts/system-deps.sh
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/ita-followup db upgrade
	$(BIN)/ita-followup plan import --if-empty $(PLAN)
	$(BIN)/ita-followup run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Two workers (pytest-xdist): every test makes its own database, so they run side by side.
unit: $(STAMP)
	$(BIN)/pytest -q -n 2

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m bench

# The SIGKILL drill (the other drills run in `make test`, tests/drills).
drill: $(STAMP)
	$(BIN)/python -m bench.drill_kill

# Three webhook replicas behind nginx on PostgreSQL (TEST_DATABASE_URL, else the local server's
# postgres database as admin), leader and another replica SIGKILLed; one JSON line at the end.
drill-replicas: $(STAMP)
	$(BIN)/python -m bench.drill_replicas

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
