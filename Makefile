# The README's commands. `make run` serves the site; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint security audit pytest bench messages vendor clean

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

## Lint, check migrations and the compose file, scan the code with bandit, then run the whole test suite
test: lint security pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

## Code security: bandit, failing on any high-severity finding (settings in pyproject.toml)
security: $(VENV)/.installed-dev
	$(BIN)/bandit -c pyproject.toml -r . -q --severity-level high

## Known vulnerabilities in the installed (pinned) dependencies, from PyPI's advisory data.
## Fails when a dependency has one, and fails loudly when the service cannot be reached.
audit: $(VENV)/.installed-dev
	@$(BIN)/pip-audit --strict --progress-spinner off --desc on || { echo "!! pip-audit FAILED: a known \
	vulnerability above, or no vulnerability service answered (\"not found on PyPI\" for every package \
	means PyPI's JSON API is not reachable from here; see docs/decisions.md)"; exit 1; }

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

## Speed budgets, measured by scripts in benchmarks/ (results in bench/results/; README "Performance")
## bench_scale.py's load test needs wrk: installed here when missing (Debian), else skipped loudly.
bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || { echo "== installing wrk for the load test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	  || echo "!! could not install wrk: the load test will be SKIPPED (see the results file)"; }
	@failed=; for script in benchmarks/bench_*.py; do [ -e "$$script" ] || continue; echo "== $$script"; \
	  $(PY) "$$script" || failed="$$failed $$script"; done; \
	  if [ -n "$$failed" ]; then echo "FAIL:$$failed"; exit 1; fi

## Refresh the Welsh translation catalogue after changing UI strings (needs gettext)
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale cy --ignore '.venv/*' --ignore 'static/*' --ignore 'var/*'
	$(PY) manage.py compilemessages --locale cy --ignore '.venv/*'

## Re-vendor GOV.UK Frontend, htmx and axe-core from npm (versions in the script)
vendor:
	scripts/vendor_frontend.sh

clean:
	rm -rf $(VENV) var db.sqlite3 db.sqlite3-*
