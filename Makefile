# The commands CI runs are these targets. Python 3.11 is required.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST := 127.0.0.1:8000

.PHONY: run checks test test-fast test-browser lint bench bench-pg bench-smoke install install-dev browser demo worker beat serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.installed-bench: requirements-bench.txt $(VENV)/.installed-dev
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The browser journeys drive Debian's chromium (Playwright downloads no browser of its own).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } \
		|| echo "chromium absent : les parcours navigateur seront ignorés (apt-get install chromium)"

# Development server with the demo data: SQLite, tasks inline, e-mails on the console.
run: install
	mkdir -p var
	DEBUG=1 DEMO=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 DEMO=1 $(BIN)/python manage.py seed_demo --if-empty
	@echo "Worker and beat (optional, need Redis): see README.md, section 'Tâches de fond'."
	DEBUG=1 DEMO=1 $(BIN)/python manage.py runserver $(HOST)

lint: install-dev
	$(BIN)/ruff check .

# Two processes by default (pytest-xdist; the machines have 2 cores): PYTEST_JOBS=0 runs in one.
PYTEST_JOBS ?= 2
# worksteal: an idle process takes tests queued on the other (the root conftest starts the long
# families first), instead of the fixed split that left one process alone with the journeys.
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_JOBS) --dist worksteal --durations=15

# SKIP_STATIC_CHECKS=1: the lint and the migrations check left out (CI's second pass, on a tree
# they have just passed); the system checks always run, under the pass's own settings.
checks: install-dev
	$(if $(SKIP_STATIC_CHECKS),,$(BIN)/ruff check .)
	$(BIN)/python manage.py check --fail-level WARNING
	$(if $(SKIP_STATIC_CHECKS),,$(BIN)/python manage.py makemigrations --check --dry-run)

# Everything, the browser journeys included (about 10 minutes on 2 cores).
test: checks browser
	$(PYTEST)

# Everything but the browser journeys and the whole-site sweeps (make test runs those, on
# PostgreSQL in CI): CI's first pass on the embedded default, and a quick check.
test-fast: checks
	$(PYTEST) -m "not browser and not sweep"

# The browser journeys alone (journeys/), screenshots under var/journeys/.
test-browser: install-dev browser
	$(PYTEST) -m browser

bench: $(VENV)/.installed-bench
	$(BIN)/python -m pytest benchmarks --create-db -p no:cacheprovider -o addopts="" -s -q -rs

# The same on the local PostgreSQL, with the national scale of the reports (a few minutes).
bench-pg: $(VENV)/.installed-bench
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pial} TEST_DATABASE_NAME=test_pial_bench \
		$(BIN)/python -m pytest benchmarks --create-db -p no:cacheprovider -o addopts="" -s -q -rs

# CI's smoke run of every benchmark: tiny scales, every equality check (report against its bare SQL
# yardstick, row by row), no timing goal; tables built from the models (--nomigrations), so a seed that
# no longer matches the schema fails here. Runs on DATABASE_URL (SQLite when unset).
bench-smoke: install-dev
	PIAL_BENCH_SMOKE=1 $(BIN)/python -m pytest benchmarks --create-db --nomigrations -p no:cacheprovider \
		-o addopts="" -q -rs --strict-markers

# Background jobs against a local Redis (make run serves without them: tasks run inline).
worker: install
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/5} DEBUG=1 DEMO=1 $(BIN)/celery -A pial worker -l info

beat: install
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/5} DEBUG=1 DEMO=1 $(BIN)/celery -A pial beat -l info -s var/celerybeat-schedule

# The production shape on this machine: gunicorn + WhiteNoise, DEBUG off, PostgreSQL, Redis, a Celery
# worker and one beat, on 127.0.0.1:8000 (see README, « Déploiement »).
serve: install
	./deploy/serve-local.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
