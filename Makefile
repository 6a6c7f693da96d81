# Madina: two commands do all set-up on a fresh machine with Python 3.11+ and make.
#   make run   — install, migrate, load reference and demo data, serve http://127.0.0.1:8000/
#   make test  — install, then the whole test suite (SQLite, or DATABASE_URL when set)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ASSETS := build/vendor/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint check-migrations translations bench production-check clean

$(STAMP): requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Madina needs Python 3.11 or newer.")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $@

$(ASSETS): $(STAMP) package-lock.json scripts/frontend.py
	$(PY) scripts/frontend.py
	@touch $@

setup: $(STAMP) $(ASSETS)
	@scripts/system_packages.sh run
	@$(PY) scripts/compile_messages.py

run: setup
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py madina_setup --demo
	@$(PY) manage.py demo_logins
	$(PY) scripts/serve.py --host $(HOST) --port $(PORT)

test: setup
	@scripts/system_packages.sh test
	$(PY) scripts/test.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint madina --lint

check-migrations: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

# Refresh every app's catalogue after changing strings (needs GNU gettext: apt-get install gettext).
translations: $(STAMP)
	for app in madina/*/; do \
	  if [ -d "$$app/locale" ]; then \
	    languages="-l ar -l fr"; [ -d "$$app/locale/es" ] && languages="$$languages -l es"; \
	    (cd "$$app" && ../../$(PY) ../../manage.py makemessages $$languages --no-obsolete >/dev/null); \
	  fi; \
	done

# Benchmarks (never part of the test suite): figures, goals and baselines; see bench/README.md.
bench: setup
	$(PY) bench/run_all.py

# The long production checks (issue 8; docs/deploy.md): the load test on a generated PostgreSQL data
# set (50 users, 5 minutes), PostgreSQL restarted under load, and the full security audit
# (bandit, check --deploy, the dependency audit). Needs PostgreSQL and Redis on 127.0.0.1.
PRODUCTION_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
PRODUCTION_REDIS_URL ?= redis://127.0.0.1:6379/12
production-check: setup
	$(PY) bench/load/run.py
	DATABASE_URL=$(PRODUCTION_DATABASE_URL) REDIS_URL=$(PRODUCTION_REDIS_URL) \
	  $(PY) bench/faults/postgres_restart.py --output bench/results/fault_postgres_restart.md
	$(PY) scripts/security_audit.py

clean:
	rm -rf $(VENV) node_modules build var
