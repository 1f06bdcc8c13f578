# make demo: set up and run the bot's main job on the embedded defaults (SQLite, outbox folder, example plan).
# make test: set up and run the whole test suite (PostgreSQL too when DHR_TEST_POSTGRES_URL is set).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: setup demo test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf demo
	$(VENV)/bin/dhr demo --folder demo

test: $(STAMP)
	$(VENV)/bin/ruff check bot tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) demo dhr.db outbox .pytest_cache
