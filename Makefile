# The project's interface: every target works on a fresh clone (`make test` installs first).
VENV ?= .venv
PY = $(VENV)/bin/python
PYTEST_ARGS ?=
STAMP = $(VENV)/.installed

.PHONY: install test lint format run bench bench-api pg clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

run: $(STAMP)
	$(VENV)/bin/betotrace run

bench: $(STAMP)
	$(PY) scripts/bench_store.py

bench-api: $(STAMP)
	$(PY) scripts/bench_api.py

# A throwaway PostgreSQL cluster for manual use: prints `export POSTGRES_...` lines, Ctrl-C stops it.
pg: $(STAMP)
	$(PY) -m tests.pg_cluster

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage htmlcov build dist
	find . -path './$(VENV)' -prune -o -path ./.git -prune -o \
		-type d -name __pycache__ -prune -exec rm -rf {} +
