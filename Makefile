# SPDX-License-Identifier: EUPL-1.2
# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/flagdesk
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-quick test-sqlite test-postgres system-packages lint typecheck apilint bench postgres clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]' -c requirements/constraints.txt
	touch $@

# Readable log lines in the terminal (production logs JSON lines; docs/configuration.md).
run: export FLAGDESK_LOG_FORMAT ?= console
run: install
	$(BIN)/flagdesk migrate --no-input
	$(BIN)/flagdesk demo
	@# Hashed, compressed static files, served by whitenoise as in production.
	$(BIN)/flagdesk collectstatic --no-input -v0
	@echo "FlagDesk: http://$(HOST):$(PORT)/  (stop with Ctrl-C); notices go to var/outbox/"
	@# The worker (notices, mailbox, upkeep) runs beside the web server and stops with it.
	$(BIN)/flagdesk worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flagdesk runserver $(HOST):$(PORT) --nostatic

test: system-packages install lint test-sqlite test-postgres

# What the tests need from Debian (Chromium, PostgreSQL, Dovecot, nginx, poppler, …): installed
# when run as root, otherwise named, and the run stops.
system-packages:
	bash scripts/system-packages.sh

# The tests that need no outside service (no PostgreSQL, Dovecot, browser, nginx, pdftotext,
# Node.js or root) and start no worker or gunicorn processes, on SQLite: a contributor's
# quick check. CI always runs the whole of `make test`.
QUICK := not (postgres or dovecot or browser or nginx or poppler or node or root or processes)
test-quick: install
	$(BIN)/pytest -n 2 -q -m "$(QUICK)"

lint: install
	$(BIN)/ruff check flagdesk tests_support benchmarks scripts
	$(BIN)/ruff format --check flagdesk tests_support benchmarks scripts
	$(BIN)/mypy flagdesk tests_support
	@# The floor plan: contracts in pyproject.toml [tool.importlinter], docs/architecture.md.
	$(BIN)/lint-imports
	$(BIN)/flagdesk makemigrations --check --dry-run

test-sqlite: install
	$(BIN)/pytest -n 2 -q

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

test-postgres: install postgres
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -q

apilint: install
	bash scripts/apilint.sh

bench: install
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]' -c requirements/constraints.txt
	$(BIN)/python benchmarks/intake.py
	$(BIN)/python benchmarks/mail.py
	$(BIN)/python benchmarks/redaction.py
	$(BIN)/python benchmarks/reports.py
	$(BIN)/python benchmarks/load.py

clean:
	rm -rf $(VENV) var
