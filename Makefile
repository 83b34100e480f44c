# The project's interface: every target works on a fresh clone (`make test` installs first).
VENV ?= .venv
PY = $(VENV)/bin/python
PYTEST_ARGS ?=
STAMP = $(VENV)/.installed

.PHONY: install test lint format run bench pg clean translations

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

# The web UI's catalogues (domain "web", api/web/translations): extract the labels, merge them
# into nl/fr/en (new ones arrive untranslated: translate them in the .po files), compile the .mo.
WEB_I18N = api/web/translations
BABEL = $(VENV)/bin/pybabel
translations: $(STAMP)
	$(BABEL) extract -F api/web/babel.cfg -k n_ --no-location --sort-output --width 100 \
		--project Betotrace -o $(WEB_I18N)/web.pot api/web
	for lang in nl fr en; do \
		if [ -f $(WEB_I18N)/$$lang/LC_MESSAGES/web.po ]; then \
			$(BABEL) update -D web -i $(WEB_I18N)/web.pot -d $(WEB_I18N) -l $$lang \
				--no-fuzzy-matching --width 100 --ignore-obsolete; \
		else $(BABEL) init -D web -i $(WEB_I18N)/web.pot -d $(WEB_I18N) -l $$lang --width 100; fi; \
	done
	$(BABEL) compile -D web -d $(WEB_I18N) --statistics

bench: $(STAMP)
	$(PY) scripts/bench_store.py

# A throwaway PostgreSQL cluster for manual use: prints `export POSTGRES_...` lines, Ctrl-C stops it.
pg: $(STAMP)
	$(PY) -m tests.pg_cluster

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage htmlcov build dist
	find . -path './$(VENV)' -prune -o -path ./.git -prune -o \
		-type d -name __pycache__ -prune -exec rm -rf {} +
