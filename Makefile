# Two commands on a bare machine with Python 3.11+:  make run  |  make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
MANAGE := $(PY) manage.py
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The suite runs on every core (pytest-xdist); PYTEST_ARGS= runs it in one process.
# pytest-django runs the transactional tests (browser journeys) last, after which a worker's
# database is emptied: tests are handed out in that order (no reordering by size), a few at a
# time, so that a worker never runs a test after a transactional one that should come before
# it, and neither is left alone with the long last ones (xdist's default chunks left one
# worker 80 s of journeys while the other idled; work stealing runs stolen tests out of that
# order). The tests that share a world built for their module go to one worker together
# (xdist_group, set by tests/distribution.py), so the world is built once.
PYTEST_DIST ?= -n auto --dist loadgroup --no-loadscope-reorder
PYTEST_ARGS ?= $(PYTEST_DIST)
# Absolute links (sitemap, e-mails) follow where make run serves.
BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-suite lint check messages compilemessages migrate demo serve lock bench bench-short load faults clean browser-deps services search-engines s3-server

# The virtualenv, and in it uv (pinned with its hashes in requirements/uv.txt, installed by
# the venv's own pip), which installs the pinned requirements in hash-checking mode: about
# 2 s instead of pip's 25 s.
UV_INSTALL := $(BIN)/uv pip install --quiet --python $(PY) --require-hashes

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed" or 0)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/uv.txt

$(VENV)/.base-installed: requirements/base.txt | $(PY)
	$(UV_INSTALL) -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: requirements/base.txt requirements/dev.txt | $(PY)
	$(UV_INSTALL) -r requirements/dev.txt
	@touch $@ $(VENV)/.base-installed

# Compiled in Python (polib), so no system gettext is needed; only when a catalog changed
# (make compares the files' times, as compile_catalogs itself does, without starting Django).
CATALOGS := $(wildcard locale/*/LC_MESSAGES/django.po)
compilemessages: $(CATALOGS:.po=.mo)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(VENV)/.base-installed
	$(MANAGE) compile_catalogs

migrate: $(VENV)/.base-installed compilemessages
	$(MANAGE) migrate --noinput

demo: migrate
	BASE_URL=$(BASE_URL) $(MANAGE) load_demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C stops)"
	BASE_URL=$(BASE_URL) $(MANAGE) runserver $(HOST):$(PORT)

test: $(VENV)/.dev-installed compilemessages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# The pytest suite alone, without the checks above (CI's second run, on PostgreSQL).
test-suite: $(VENV)/.dev-installed compilemessages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the interface catalogs from the source (needs GNU gettext: apt-get install gettext).
messages: $(VENV)/.base-installed
	$(MANAGE) makemessages --no-obsolete --no-location -l tr -l de -i ".venv/*" -i "bench/*" -i "node_modules/*"

# PostgreSQL (trust on 127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) for CI,
# the PostgreSQL test run, make load and make faults: installed with apt when missing
# (root), started when down. make run and make test need neither.
services:
	bash deploy/services.sh

# A real OpenSearch node for the search contract and the benchmarks, from Maven Central only
# (tests/engines/pom.xml; needs Java 17+ and Maven). The tests start and stop it themselves;
# without it their OpenSearch cases skip (CI sets REQUIRE_SEARCH_ENGINE=1: they fail).
search-engines: tests/engines/target/.built

tests/engines/target/.built: tests/engines/pom.xml $(wildcard tests/engines/src/main/java/helpcenter/*.java)
	@command -v mvn >/dev/null || (echo "Maven is needed (apt-get install maven)"; exit 1)
	cd tests/engines && mvn -q -B package
	@touch $@

# A real S3-compatible server (S3Proxy, filesystem backend) for the object storage tests, from
# Maven Central only (tests/s3/pom.xml; Java 17+ and Maven). The tests start and stop it;
# without it they skip (CI sets REQUIRE_S3=1: they fail).
s3-server: tests/s3/target/.built

tests/s3/target/.built: tests/s3/pom.xml
	@command -v mvn >/dev/null || (echo "Maven is needed (apt-get install maven)"; exit 1)
	cd tests/s3 && mvn -q -B package
	@touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads one).
browser-deps: node_modules/.installed
	@command -v chromium-headless-shell >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium-headless-shell)

# axe-core, which the accessibility tests inject into pages: pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# Benchmarks report ratios to a reference measured in the same run (the machine is noisy).
bench: $(VENV)/.dev-installed compilemessages search-engines
	$(PY) bench/pages.py
	$(PY) bench/search_relevance.py --with-emulator --with-opensearch
	$(PY) bench/search_speed.py
	$(PY) bench/support.py

# What CI runs of the benchmarks, so they keep working: fewer rounds, smaller corpora.
bench-short: $(VENV)/.dev-installed compilemessages
	$(PY) bench/pages.py 30
	$(PY) bench/search_relevance.py
	$(PY) bench/search_speed.py --short --no-wagtail
	$(PY) bench/support.py 500 5

# The app under gunicorn with production settings, PostgreSQL and Redis, on loopback, bounded
# in requests and time (README "Load and faults"). Each drops and creates its own database:
# helpcenter_load, helpcenter_faults (--database-url to change), a copy of the migrated demo
# database helpcenter_bench_template while the code that built it is unchanged. Options: LOAD_ARGS="--requests
# 5000 --seconds 300 --concurrency 16", FAULTS_ARGS="--voters 40".
load: $(VENV)/.dev-installed compilemessages s3-server
	$(PY) bench/load.py $(LOAD_ARGS)

faults: $(VENV)/.dev-installed compilemessages search-engines
	$(PY) bench/faults.py $(FAULTS_ARGS)

# Re-pin requirements/*.txt from pyproject.toml with uv, with every file's hash (pip then
# installs in hash-checking mode). Pins already in the files are kept unless the ranges in
# pyproject.toml exclude them; LOCK_ARGS=--upgrade takes the newest allowed.
COMPILE := $(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes --quiet
LOCK := $(COMPILE) pyproject.toml $(LOCK_ARGS)
lock: $(VENV)/.dev-installed
	$(LOCK) -o requirements/base.txt
	$(LOCK) --extra dev -c requirements/base.txt -o requirements/dev.txt
	grep -E '^uv==' requirements/dev.txt | sed 's/ *\\$$//' | $(COMPILE) - -o requirements/uv.txt

clean:
	rm -rf $(VENV) tests/engines/target tests/s3/target db.sqlite3 static_collected test-artifacts .pytest_cache .ruff_cache
