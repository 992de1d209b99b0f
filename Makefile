# Goalkeeper: `make demo` serves the demo company, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/goalkeeper
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest workers (pytest-xdist): one per core; tests of one xdist group share a worker.
PYTEST_WORKERS ?= auto

.PHONY: demo test install install-dev npm chromium system-libs lint fmt typecheck migrations-check \
        test-sqlite test-postgres coverage serve worker benchmark clean

## demo: install, migrate, load the demo company, serve the web app and worker on :8000
demo: install npm system-libs
	$(BIN)/goalkeeper demo
	$(BIN)/goalkeeper serve --with-worker --host $(HOST) --port $(PORT)

## test: install what the tests need, lint, type-check, then pytest on SQLite and PostgreSQL
test: install-dev npm chromium system-libs lint typecheck migrations-check test-sqlite test-postgres

$(VENV)/.runtime: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.runtime
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

npm: node_modules/.installed

## chromium: Debian's Chromium for the browser tests (never a downloaded browser)
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will be skipped"; \
	  else echo "not root: install Debian's chromium to run the browser tests"; fi; \
	fi

## system-libs: what WeasyPrint needs for PDF reports (Pango, fonts), pdftoppm for the tests,
## and GNU gettext to extract and compile translations (docs/languages.md)
SYSTEM_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils \
               gettext
system-libs:
	@if ! dpkg -s $(SYSTEM_LIBS) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_LIBS) >/dev/null) \
	      || echo "$(SYSTEM_LIBS) could not be installed: PDF reports will fail"; \
	  else echo "not root: install $(SYSTEM_LIBS) (Debian packages) for PDF reports"; fi; \
	fi

## lint: ruff, the format check, and the import contracts of docs/architecture.md
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install-dev
	$(BIN)/mypy goalkeeper benchmarks

migrations-check: install-dev
	GOALKEEPER_DATA_DIR=$$(mktemp -d) $(BIN)/goalkeeper makemigrations --check --dry-run

test-sqlite: install-dev npm
	GOALKEEPER_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q

## coverage: the SQLite run measured by coverage.py (branch coverage, a report per module);
## kept out of `make test`, whose two runs it would slow by a third
coverage: install-dev npm
	GOALKEEPER_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup --cov --cov-report=term:skip-covered -q

## PostgreSQL runs when it answers; a fresh test database is created each run.
test-postgres: install-dev npm
	@if $(PY) -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== PostgreSQL run =="; \
	  GOALKEEPER_DATA_DIR=$$(mktemp -d) DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup --create-db -q -p no:cacheprovider; \
	else echo "PostgreSQL does not answer at 127.0.0.1:5432: skipping the PostgreSQL run"; fi

serve: install npm
	$(BIN)/goalkeeper serve --host $(HOST) --port $(PORT)

worker: install
	$(BIN)/goalkeeper worker

## benchmark: build a company, serve it and measure it (docs/benchmarks.md);
## extra arguments through ARGS, e.g. `make benchmark ARGS="--quick --markdown"`
ARGS ?=
benchmark: install-dev npm
	GOALKEEPER_DATA_DIR=$$(mktemp -d) $(PY) -m benchmarks.run $(ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
