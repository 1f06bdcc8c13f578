# make demo: set up and run the bot's main job on the embedded defaults (SQLite, outbox folder, example plan).
# make test: set up and run the whole test suite (PostgreSQL too when DHR_TEST_POSTGRES_URL is set).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: setup demo test bench clean

NODE_STAMP := node_modules/.installed-stamp

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The console's assets (govuk-frontend) and the accessibility checker (axe-core), from package.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

demo: $(STAMP)
	rm -rf demo
	$(VENV)/bin/dhr demo --folder demo

test: $(STAMP) $(NODE_STAMP)
	$(VENV)/bin/ruff check bot tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) node_modules demo dhr.db outbox .pytest_cache
