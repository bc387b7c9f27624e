# Kollegium: `make run` serves the demo network, `make test` runs the whole suite.

# Kollegium runs on Python 3.11 to 3.13. `python_for` prints an interpreter of version $(1):
# `python$(1)` on PATH if it runs (a pyenv shim only runs for the activated version), else one
# that pyenv installed.
python_for = $(shell for p in python$(1) $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$(1).*/bin/python$(1); do \
	[ "$$("$$p" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = $(1) ] \
	&& { command -v "$$p"; break; }; done)
# .venv gets the newest supported interpreter found, else `python3` if it is a supported one.
PYTHON ?= $(or $(call python_for,3.13),$(call python_for,3.12),$(call python_for,3.11),python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := DJANGO_SETTINGS_MODULE=hub.settings.dev $(BIN)/python manage.py
# Template folders: djlint lints them, djhtml indents them (only `.html`; mail `.txt` stays as
# written, and djhtml leaves `<pre>` alone).
TEMPLATES := templates core/templates
HOST ?= 127.0.0.1
PORT ?= 8000
# The suites run in this many pytest-xdist workers (0: in one process), each with its own test
# database. xdist's default distribution hands out tests in collection order, where
# pytest-django puts the tests that empty the database (transaction=True) last; distributing
# by file would run them amid the others, which then miss the pages the migrations created.
TEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(TEST_WORKERS)

.PHONY: run test lint format messages bench bench-search bench-lighthouse screenshots kern clean

$(BIN)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Kollegium braucht Python 3.11, 3.12 oder 3.13;" \
		"gefunden wurde keines. Installieren Sie eines oder nennen Sie es:" \
		"make PYTHON=/pfad/zu/python3.13" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(None if (3, 11) <= sys.version_info[:2] <= (3, 13) else \
		"Kollegium braucht Python 3.11, 3.12 oder 3.13 (gefunden: $(PYTHON), Version " \
		+ sys.version.split()[0] + "). Nennen Sie ein passendes: make PYTHON=/pfad/zu/python3.13")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Links in mails and calendar files (core/links.py) point to the address `make run` serves on,
# unless WAGTAILADMIN_BASE_URL names another one.
run: export WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)
run: $(BIN)/.installed
	$(MANAGE) migrate --noinput
	SEARCH_VECTORS=false $(MANAGE) seed_demo
	@echo "Die Suche findet alles sofort nach Wörtern; die Vektoren für die Suche nach Bedeutung"
	@echo "rechnet ein Hintergrundprozess (einige Minuten, Protokoll: var/search-vectors.log)."
	mkdir -p var && $(MANAGE) search_index vectors > var/search-vectors.log 2>&1 &
	@echo "Kollegium läuft auf http://$(HOST):$(PORT)/ (Redaktion: http://$(HOST):$(PORT)/admin/)"
	DJANGO_SETTINGS_MODULE=hub.settings.dev $(BIN)/daphne -b $(HOST) -p $(PORT) hub.asgi:application

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/djlint $(TEMPLATES) --lint
	$(BIN)/djhtml --check $(TEMPLATES)

test: lint node_modules/.installed
	$(BIN)/pytest $(PYTEST_PARALLEL)
	$(BIN)/pytest $(PYTEST_PARALLEL) --database=postgresql -m "not browser and not engines"
	@other=$$($(BIN)/python -c 'import sys; print("3.11" if sys.version_info[:2] == (3, 13) else "3.13")') \
		&& $(MAKE) --no-print-directory quick-test-$$other

# The quick suite on a second Python, in its own .venv-3.x. `make test` runs it on the other end
# of the supported range from .venv's Python (3.13, or 3.11 when .venv has 3.13), so every run
# covers both ends. Outside CI a missing interpreter skips it loudly; in CI (`CI` set) it fails.
# The environment is a prerequisite only when its interpreter exists, so `make -n` stays a dry run.
SUPPORTED_PYTHONS := 3.11 3.12 3.13
QUICK := not browser and not engines and not slow

.SECONDEXPANSION:
quick-test-%: $$(if $$(filter $$*,$$(SUPPORTED_PYTHONS)),$$(if $$(call python_for,$$*),.venv-$$*/bin/.installed))
	@if [ -z "$(filter $*,$(SUPPORTED_PYTHONS))" ]; then \
		echo "Python $* wird nicht unterstützt; möglich sind 3.11, 3.12 und 3.13." >&2; exit 1; \
	elif [ ! -x .venv-$*/bin/pytest ] && [ -n "$$CI" ]; then \
		echo "Python $* fehlt; in CI ist der Lauf damit Pflicht." >&2; exit 1; \
	elif [ ! -x .venv-$*/bin/pytest ]; then \
		echo "Hinweis: Python $* nicht gefunden, der Schnelltest damit entfällt." >&2; \
	else \
		echo ".venv-$*/bin/pytest -q $(PYTEST_PARALLEL) -m \"$(QUICK)\""; \
		.venv-$*/bin/pytest -q $(PYTEST_PARALLEL) -m "$(QUICK)"; \
	fi

# Made by a pattern rule, the marker would count as an intermediate file that make deletes after
# the run, and every `make test` would reinstall the second environment.
.PRECIOUS: .venv-%/bin/.installed
.venv-%/bin/.installed: pyproject.toml
	test -x .venv-$*/bin/python || $(call python_for,$*) -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet --upgrade pip
	.venv-$*/bin/python -m pip install --quiet -e '.[dev]'
	touch $@

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
	$(MAKE) bench-lighthouse

# Lighthouse (pinned in package.json) in Debian's chromium over the main pages of a throwaway
# demo site served like production; `LIGHTHOUSE_ARGS="--pages suche --strict"` narrows it.
bench-lighthouse: $(BIN)/.installed node_modules/.installed
	$(BIN)/python -m bench.lighthouse $(LIGHTHOUSE_ARGS)

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
	$(BIN)/djhtml $(TEMPLATES)

messages: $(BIN)/.installed
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=node_modules --ignore=tests
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules

# Full-page PNGs of the main pages (desktop and phone, anonymous and member) of a throwaway demo
# site in var/screenshots/; needs only the venv's Playwright and Debian's chromium.
screenshots: $(BIN)/.installed
	$(BIN)/python -m tools.screenshots

# The KERN design system is vendored in hub/static/kern/ so that `make run` needs no Node; this
# refreshes it from the npm package pinned in tools/refresh_kern.py (and subsets Fira Sans).
kern: $(BIN)/.installed
	$(BIN)/python -m tools.refresh_kern

clean:
	rm -rf $(VENV) .venv-3.* node_modules var .pytest_cache .ruff_cache .mypy_cache
