# Two commands matter: `make run` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
FLASK  := $(BIN)/flask --app wsgi
export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run serve serve-setup test test-fast lint audit format install clean translations bench bench-page bench-load bench-cost bench-national bench-api bench-dashboard bench-import bench-posters

CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the declared dependencies change.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# axe-core for the accessibility tests; without npm those tests skip and say why.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: accessibility (axe) tests will be skipped"; fi

install: $(VENV)/.installed

# Compiled catalogs are build output (git-ignored), made from the .po files in the repo.
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@ -l $*

# After changing user-facing strings: refresh the template and the catalogs, then translate.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output --project "Suara Layanan" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width 100

run: $(VENV)/.installed $(CATALOGS)
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	$(FLASK) demo-info
	$(FLASK) run --host $(HOST) --port $(PORT)

# The production profile on this machine: PostgreSQL, Redis, gunicorn (docs/deploy.md).
SERVE_DATABASE_URL ?= postgresql+psycopg://root@127.0.0.1:5432/suara_layanan
SERVE_REDIS_URL    ?= redis://127.0.0.1:6379/1
SERVE_ENV = PORTAL_ENV=production DATABASE_URL=$(SERVE_DATABASE_URL) \
	RATELIMIT_STORAGE_URI=$(SERVE_REDIS_URL) SECRET_KEY="$$(cat instance/serve_secret)" \
	CLIENT_HASH_SECRET="$$(cat instance/serve_client_hash_secret)" GUNICORN_BIND=$(HOST):$(PORT)

instance/serve_secret instance/serve_client_hash_secret:
	mkdir -p instance && umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(48))" > $@

serve: $(VENV)/.installed $(CATALOGS) instance/serve_secret instance/serve_client_hash_secret
	$(SERVE_ENV) $(FLASK) database create
	$(SERVE_ENV) $(FLASK) db upgrade
ifeq ($(DEMO_DATA),1)
	$(SERVE_ENV) DEMO_DATA=1 $(FLASK) demo-data --if-empty
	$(SERVE_ENV) $(FLASK) demo-info
else
	@echo "Production profile: no demo data (DEMO_DATA=1 make serve loads it)."
	@echo "First run on an empty database: make serve-setup (the Pemda and the first admin)."
endif
	$(SERVE_ENV) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# The production profile's first run: the Pemda's root unit and the first administrator.
serve-setup: $(VENV)/.installed $(CATALOGS) instance/serve_secret instance/serve_client_hash_secret
	$(SERVE_ENV) $(FLASK) database create
	$(SERVE_ENV) $(FLASK) db upgrade
	$(SERVE_ENV) $(FLASK) setup

# Three workers (pytest-xdist) on two cores: much of the suite waits on subprocesses,
# PostgreSQL and the browser (docs/decisions/0006-parallel-tests-and-coverage.md).
PYTEST_WORKERS ?= 3
# The inner loop is CPU-bound (no servers, no browser): one worker per core.
FAST_WORKERS ?= 2

# The whole suite, with a coverage report and a floor per package.
test: $(VENV)/.installed-test $(CATALOGS) node_modules/.installed
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal --cov --cov-report= $(PYTEST_ARGS)
	$(BIN)/python -m coverage report --include='surveys/*' --fail-under=95
	$(BIN)/python -m coverage report --include='portal/*' --fail-under=90

# The inner loop: SQLite only, no browser, no subprocess-heavy tests (marked slow).
# Bytecode on: pytest then keeps its rewritten test modules (4 s a worker otherwise).
test-fast: $(VENV)/.installed-test $(CATALOGS)
	PYTHONDONTWRITEBYTECODE= TEST_DATABASE_URL= TEST_REDIS_URL= \
		$(BIN)/python -m pytest -n $(FAST_WORKERS) -q \
		-m "not browser and not slow" $(PYTEST_ARGS)

# Report cost at 10^4, 10^5 and 10^6 stored responses (a few minutes; SQLite unless
# DATABASE_URL names a PostgreSQL database).
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.aggregate --sizes 10000,100000,1000000

bench-page: $(VENV)/.installed-test $(CATALOGS)
	$(BIN)/python -m bench.page_weight

# Submissions/s and latency under gunicorn: ours vs a bare one-INSERT Flask app, on
# SQLite and (when it answers) PostgreSQL; 32 clients, 20 s each. See docs/performance.md.
bench-load: $(VENV)/.installed-test $(CATALOGS)
	$(BIN)/python -m bench.load $(BENCH_LOAD_ARGS)

# A national month (10^7 responses) in the local PostgreSQL: unit, OPD and Pemda report
# latency against a naive GROUP BY (~25 minutes). See docs/scaling.md.
# The apps' own CPU per survey cycle, without HTTP: the portal against the bare insert.
bench-cost: $(VENV)/.installed-test $(CATALOGS)
	$(BIN)/python -m bench.request_cost

bench-national: $(VENV)/.installed-test
	$(BIN)/python -m bench.national $(BENCH_NATIONAL_ARGS)

# /api/v1/scores pages, closed and open year, against the same pages from raw responses (~6 min).
bench-api: $(VENV)/.installed-test $(CATALOGS)
	$(BIN)/python -m bench.api $(BENCH_API_ARGS)

# Dashboard and report pages at 10^6 responses (full GETs, logged in) against the same
# numbers from raw rows; prints whether every page is under 300 ms. See docs/performance.md.
bench-dashboard: $(VENV)/.installed-test $(CATALOGS)
	$(BIN)/python -m bench.dashboard $(BENCH_DASHBOARD_ARGS)

# 10,000 employees imported from CSV and XLSX against a bare INSERT (budget 10 s).
bench-import: $(VENV)/.installed-test
	$(BIN)/python -m bench.employee_import $(BENCH_IMPORT_ARGS)

# 1,000 counters' QR posters against encoding their codes alone (budget 30 s).
bench-posters: $(VENV)/.installed-test
	$(BIN)/python -m bench.posters $(BENCH_POSTERS_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check portal surveys tests bench tools wsgi.py
	$(BIN)/ruff format --check portal surveys tests bench tools wsgi.py

# Known vulnerabilities in the installed packages (pip-audit: OSV, then PyPI). Red on a
# finding; says "could not check" and stays green when no service answers
# (docs/decisions/0011-supply-chain.md). CI runs it with lint before the suite.
audit: $(VENV)/.installed-test
	$(BIN)/python -m tools.audit

format: $(VENV)/.installed-test
	$(BIN)/ruff format portal surveys tests bench tools wsgi.py
	$(BIN)/ruff check --fix portal surveys tests bench tools wsgi.py

clean:
	rm -rf $(VENV) instance/ .pytest_cache tests/artifacts .coverage
