# The Safeguarding Partnership Platform. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/safeguarding
# pytest-xdist processes; 0 runs the suite in this process (easier to debug)
TEST_WORKERS ?= auto
PORT ?= 8000
# Links in emails point at the address the site is served on: make run PORT=8401 gives links
# on port 8401 (set SITE_URL yourself to use another address).
SITE_URL ?= http://127.0.0.1:$(PORT)
# The site's own "Page not found" and error pages, never Django's debug pages (which list every
# URL and show settings): make run DEBUG=true to see those while developing.
DEBUG ?= false

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	@touch $@

.PHONY: venv
venv: $(BIN)/.installed ## Create the virtual environment and install the locked dependencies

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

safeguarding/static/dist/.built: node_modules/.installed $(shell find frontend -type f 2>/dev/null)
	npm run --silent build
	@touch $@

.PHONY: assets
assets: safeguarding/static/dist/.built ## Compile GOV.UK Frontend and our Sass/JS (never committed)

.PHONY: migrate
migrate: venv ## Apply database migrations (SQLite under var/ unless DATABASE_URL is set)
	$(MANAGE) migrate --no-input

.PHONY: demo
demo: migrate ## Load the invented demo data (idempotent) and print how to sign in
	SITE_URL=$(SITE_URL) $(MANAGE) seed_demo

.PHONY: run
run: venv assets demo ## Set everything up, then run the site, a task worker and the scheduler
	@echo "Starting the site on http://127.0.0.1:$(PORT)/ with a task worker and the scheduler. Ctrl-C stops all three."
	SITE_URL=$(SITE_URL) PORT=$(PORT) DEBUG=$(DEBUG) $(BIN)/honcho start --no-prefix -f Procfile.dev

.PHONY: lint
lint: venv ## Ruff lint and format check, and the layers contract (import-linter, pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

.PHONY: hooks
hooks: venv ## Run make lint's checks and mypy before every commit (pre-commit, .pre-commit-config.yaml)
	$(BIN)/pre-commit install

.PHONY: typecheck
typecheck: venv ## Mypy (strict) with django-stubs
	$(BIN)/mypy safeguarding

.PHONY: pytest
pytest: venv assets ## Run the test suite on the configured database (SQLite by default)
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

.PHONY: migrations-check
migrations-check: venv ## Fail if a model change has no migration
	$(MANAGE) makemigrations --check --dry-run

.PHONY: audit-deps
audit-deps: venv ## Check the locked dependencies against known advisories (offline; npm audit when it answers)
	$(BIN)/python security/check_dependencies.py --npm-audit

.PHONY: test
test: lint typecheck migrations-check audit-deps pytest ## The whole suite: lint, types, migrations, dependency advisories, tests (SQLite)

.PHONY: test-fast
test-fast: venv assets ## The inner loop: every test that starts no real process (no servers, workers or browser)
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not processes" $(PYTEST_ARGS)

.PHONY: test-postgres
test-postgres: venv assets ## The test suite against PostgreSQL (PG_TEST_URL)
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# TEST_CLOCK names an edge moment from tests/clock.py (or an ISO date and time with an offset);
# left empty, one is chosen at random and printed so that a failure can be replayed.
TEST_CLOCK ?=
.PHONY: test-clock
test-clock: venv assets ## The suite at an edge moment of the clock (TEST_CLOCK=name to replay one)
	@moment="$(TEST_CLOCK)"; moment="$${moment:-$$($(BIN)/python -m tests.clock)}"; \
	echo "== The suite at the edge moment TEST_CLOCK=$$moment (replay: make test-clock TEST_CLOCK=$$moment)"; \
	TEST_CLOCK="$$moment" $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

.PHONY: bench
bench: venv assets ## Benchmarks: one table of ratios to baselines from the same run (BENCH_ARGS=--full for the long sizes; BENCH_DATABASE_URL for PostgreSQL too)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

.PHONY: lock
lock: venv ## Re-pin every Python dependency from pyproject.toml into requirements.lock
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --extra dev --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

.PHONY: format
format: venv ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: clean
clean: ## Remove the virtual environment, node_modules, compiled assets (keeps var/)
	rm -rf $(VENV) node_modules safeguarding/static/dist staticfiles
