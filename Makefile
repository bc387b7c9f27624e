# Kollegium: `make run` serves the demo network, `make test` runs the whole suite.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := DJANGO_SETTINGS_MODULE=hub.settings.dev $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages bench bench-search clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Kollegium braucht Python 3.11 (gefunden: " + sys.version.split()[0] + ").")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(BIN)/.installed
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Kollegium läuft auf http://$(HOST):$(PORT)/ (Redaktion: http://$(HOST):$(PORT)/admin/)"
	DJANGO_SETTINGS_MODULE=hub.settings.dev $(BIN)/daphne -b $(HOST) -p $(PORT) hub.asgi:application

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint node_modules/.installed
	$(BIN)/pytest
	$(BIN)/pytest --database=postgresql -m "not browser and not engines"

bench: $(BIN)/.installed
	$(BIN)/python -m bench.directory --database sqlite
	$(BIN)/python -m bench.directory --database postgresql
	$(BIN)/python -m bench.pages --database sqlite
	$(BIN)/python -m bench.pages --database postgresql
	$(BIN)/python -m bench.catalogue --database sqlite
	$(BIN)/python -m bench.catalogue --database postgresql
	$(BIN)/python -m bench.discussions
	$(BIN)/python -m bench.analysis
	$(MAKE) bench-search

# Search: relevance on the judged queries for every backend, then speed with 100,000 items.
SEARCH_ITEMS ?= 100000
bench-search: $(BIN)/.installed
	$(BIN)/python -m bench.relevance
	$(BIN)/python -m bench.search --database sqlite --items $(SEARCH_ITEMS)
	$(BIN)/python -m bench.search --database postgresql --items $(SEARCH_ITEMS)
	$(BIN)/python -m bench.search --elasticsearch --items $(SEARCH_ITEMS)

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(BIN)/.installed
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=node_modules --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
