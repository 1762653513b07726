# RoleCall: `make run` serves the app, `make test` runs every check and test.
# Both set everything up first on a machine that has never seen the project.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

# Django 6 needs Python 3.12 or newer. Look on PATH first, then under pyenv, the
# newest first: the engine's cold path runs 4-12 % faster on 3.13 than on 3.12
# (bench/engine.py --cpu, measured 2026-12-03).
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
PYTHON_CANDIDATES := $(shell command -v python3.13 python3.12 2>/dev/null) \
	$(shell ls -d $(PYENV_ROOT)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) \
	$(shell command -v python3 2>/dev/null)
BASE_PYTHON ?= $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell $(p) -c 'import sys; print("$(p)") if sys.version_info >= (3, 12) else None' 2>/dev/null)))

# Production-like settings for `check --deploy` (a throwaway key, never a real one).
DEPLOY_ENV := DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=rolecall.example.com \
	DJANGO_SECRET_KEY=check-deploy-$(shell head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

# Development commands run with debug on unless the environment says otherwise.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: help install run serve test lint typecheck budgets migrate content chromium e2e clean

help:
	@echo "make run    set up and serve the app on http://127.0.0.1:$(PORT)/ (SQLite)"
	@echo "make serve  production-like: debug off, gunicorn, DATABASE_URL and REDIS_URL (see README)"
	@echo "make test   set up and run every check and test, browser tests included"
	@echo "make install  only create .venv and install the dependencies"

$(STAMP): requirements.txt requirements-dev.txt
	@if [ -z "$(BASE_PYTHON)" ]; then \
		echo "error: RoleCall needs Python 3.12 or newer (Django 6)." >&2; \
		echo "       Install one (for example 'pyenv install 3.12') or run 'make BASE_PYTHON=/path/to/python3.12 ...'." >&2; \
		exit 1; \
	fi
	@echo "Creating $(VENV) with $(BASE_PYTHON) ($$($(BASE_PYTHON) --version))"
	@test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --upgrade pip
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

# createcachetable: without REDIS_URL the cache (and so the rate limits and the
# sign-in throttle every worker shares) lives in the database.
migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py createcachetable

content: migrate
	$(DEV_ENV) $(PY) manage.py load_content

run: content
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-like: debug off, static files collected, gunicorn with WEB_CONCURRENCY
# workers (default: twice the cores plus one). The workers are gunicorn's own
# asyncio ASGI workers: a slow client (slowloris) waits in the event loop and
# holds no worker, where sync workers blocked on it one each. PostgreSQL and Redis come from
# DATABASE_URL and REDIS_URL; DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are required.
# MIGRATE=0 skips migrate and load_content (every machine but one, when several share
# one database). BIND=0.0.0.0:8000 listens beyond this machine (behind a load balancer).
# GUNICORN_ARGS adds options, for example "--access-logfile -" or "--pid FILE".
WEB_CONCURRENCY ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 + 1 )))
BIND ?= 127.0.0.1:$(PORT)
MIGRATE ?= 1
GUNICORN_ARGS ?=
SERVE_ENV := DJANGO_DEBUG=0
# gunicorn's control socket, one per port: several `make serve` on one machine
# must not share the default ~/.gunicorn/gunicorn.ctl.
CONTROL_SOCKET ?= $(or $(XDG_RUNTIME_DIR),/tmp)/rolecall-gunicorn-$(subst :,-,$(BIND)).ctl

serve: install
	$(SERVE_ENV) $(PY) manage.py check --deploy --fail-level ERROR
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@if [ "$(MIGRATE)" = "1" ]; then \
		$(SERVE_ENV) $(PY) manage.py migrate --noinput && $(SERVE_ENV) $(PY) manage.py createcachetable \
		&& $(SERVE_ENV) $(PY) manage.py load_content; \
	fi
	$(SERVE_ENV) exec $(VENV)/bin/gunicorn config.asgi --worker-class asgi --asgi-lifespan off \
		--workers $(WEB_CONCURRENCY) --bind $(BIND) --timeout 30 --graceful-timeout 30 \
		--max-requests 2000 --max-requests-jitter 200 \
		--control-socket $(CONTROL_SOCKET) $(GUNICORN_ARGS)

# Real-browser tests use Debian's Chromium; Playwright never downloads a browser here.
CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium for the browser tests (apt-get)"; \
		SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
		( $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null ) \
		|| { echo "error: could not install chromium with apt-get; install Debian's 'chromium' package (it provides /usr/bin/chromium) and run 'make test' again." >&2; exit 1; }; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs on learning/, config/ and policies/ (the engine is checked apart;
# see [tool.mypy] in pyproject.toml).
typecheck: install
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --strict --config-file= policies/engine  # the engine alone, no Django plugin

# Module and function sizes of the app's code (bench/budgets.py prints them).
budgets: install
	$(PY) bench/budgets.py

test: install chromium lint typecheck budgets
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	CI=$${CI:-} DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis
