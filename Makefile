# The README's commands. `make run` serves the site; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint pytest bench messages vendor clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

## Install, migrate, load reference and demo data, and serve http://127.0.0.1:8000
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_reference
	$(PY) manage.py seed_demo
	@echo "Serving Oversight at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## Lint, check migrations and the compose file, then run the whole test suite
test: lint pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

## Speed budgets, measured by scripts in benchmarks/
bench: $(VENV)/.installed-dev
	@for script in benchmarks/bench_*.py; do [ -e "$$script" ] || continue; echo "== $$script"; $(PY) "$$script" || exit 1; done

## Refresh the Welsh translation catalogue after changing UI strings (needs gettext)
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale cy --ignore '.venv/*' --ignore 'static/*' --ignore 'var/*'
	$(PY) manage.py compilemessages --locale cy --ignore '.venv/*'

## Re-vendor GOV.UK Frontend, htmx and axe-core from npm (versions in the script)
vendor:
	scripts/vendor_frontend.sh

clean:
	rm -rf $(VENV) var db.sqlite3 db.sqlite3-*
