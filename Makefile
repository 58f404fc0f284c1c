# Two commands for a fresh Debian machine with Python 3.11:
#   make run   set everything up and serve the course with demo accounts on http://127.0.0.1:8000
#   make test  set everything up and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Local commands run in development mode unless the environment says otherwise.
export DEBUG ?= true

.PHONY: run test bench bench-export setup install browser gettext lint clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'pip>=25.1'
	$(BIN)/pip install --quiet -c constraints.txt --group dev
	@touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium; nothing is downloaded at run time.
browser: /usr/bin/chromium
/usr/bin/chromium:
	@echo "Installing Debian's chromium package for the browser tests"
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# The translations (locale/, <app>/locale/) are compiled from their .po files by gettext's msgfmt.
gettext: /usr/bin/msgfmt
/usr/bin/msgfmt:
	@echo "Installing Debian's gettext package to compile the translations"
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext

setup: $(STAMP) /usr/bin/msgfmt
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py build_course

# The task worker (grade passback to an LMS, other background work) runs beside the web server
# and stops with it: the database's, or RQ's with TASKS_BACKEND=redis (docs/operations.md).
WORKER := $(if $(filter redis,$(TASKS_BACKEND)),rqworker --with-scheduler --job-class django_tasks_rq.Job default,db_worker --queue-name '*' --no-reload)
run: setup
	$(BIN)/python manage.py setup_demo
	trap 'kill 0' EXIT; \
	$(BIN)/python manage.py $(WORKER) & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup browser
	$(BIN)/pytest

# Not part of `make test`: a class taking a quiz behind gunicorn (5,000 students opening and
# saving with a worker killed, a burst of 1,000 starting and submitting, saturation), then grade
# exports of a large class, on SQLite and PostgreSQL (see docs/performance.md). Needs the local
# PostgreSQL; a quick first run (a few minutes): BENCH_ARGS="--students 600 --burst 200
# --open-window 15 --duration 50 --kill-at 25"; EXPORT_BENCH_ARGS="--students 2000,200" for the
# second, which also runs alone: `make bench-export`.
bench: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt --group bench
	DEBUG=false $(BIN)/python bench/run.py $(BENCH_ARGS)
	DEBUG=false $(BIN)/python bench/export.py $(EXPORT_BENCH_ARGS)

bench-export: $(STAMP)
	DEBUG=false $(BIN)/python bench/export.py $(EXPORT_BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles test-artifacts .pytest_cache
