# The project's interface: every target works on a fresh clone (`make test` installs first).
VENV ?= .venv
PY = $(VENV)/bin/python
PYTEST_ARGS ?=
STAMP = $(VENV)/.installed

.PHONY: install test lint format run bench bench-projections bench-api pg clean translations translations-web translations-mail

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
translations: translations-web translations-mail

translations-web: $(STAMP)
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

# Order-list rebuild and list latency at 10k and 1M orders (PostgreSQL; ~20-25 min on 2 cores).
bench-projections: $(STAMP)
	$(PY) scripts/bench_projections.py

bench-api: $(STAMP)
	$(PY) scripts/bench_api.py

# A throwaway PostgreSQL cluster for manual use: prints `export POSTGRES_...` lines, Ctrl-C stops it.
pg: $(STAMP)
	$(PY) -m tests.pg_cluster

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage htmlcov build dist
	find . -path './$(VENV)' -prune -o -path ./.git -prune -o \
		-type d -name __pycache__ -prune -exec rm -rf {} +

# Texts of e-mails and notifications: extract the message ids, update the nl/fr/en catalogues,
# compile them (the .mo files are committed; tests/unit/test_translations.py fails on a gap).
TRANSLATIONS = src/betotrace_es/translations
translations-mail: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg --no-default-keywords -k N_ --no-location \
		--omit-header --sort-output -o $(TRANSLATIONS)/messages.pot .
	$(VENV)/bin/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
		--ignore-obsolete
	$(VENV)/bin/pybabel compile -d $(TRANSLATIONS) --statistics
