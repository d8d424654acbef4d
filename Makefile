# Portico: `make dev` runs the portal locally with demo data; `make test` installs and runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Lambda runs python3.13: find one on PATH first, then in pyenv, and fail clearly otherwise.
PYTHON313 := $(shell python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null)
ifeq ($(PYTHON313),)
PYTHON313 := $(firstword $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13))
endif
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
SAM_CLI_VERSION := 1.170.0
PYTEST_WORKERS ?= 2

.PHONY: help python313 install browser dev test publish-web test-fast test-browser fuzz screenshots check lint typecheck format bench lock openapi build validate clean

help:
	@echo "make dev     install and run the portal locally with demo data (http://127.0.0.1:$${PORT:-3000})"
	@echo "make test    install and run every test (unit, functional, end-to-end, browser, template)"
	@echo "make test-browser  only the browser tests (Playwright on Debian's Chromium)"
	@echo "make fuzz    schemathesis over the whole OpenAPI document, longer and with a random seed"
	@echo "make screenshots   the browser tests, saving docs/screenshots/*.png"
	@echo "make check   ruff, mypy and the tests"
	@echo "make bench   print import cost per handler and DynamoDB calls per request"
	@echo "make lock    regenerate layers/common/requirements.txt from pyproject.toml"
	@echo "make openapi regenerate docs/openapi.json from the code"
	@echo "make build   sam build (needs python3.13)"
	@echo "make publish-web STACK=name  copy web/ to a deployed stack and refresh CloudFront"

python313:
	@if [ -z "$(PYTHON313)" ]; then \
	  echo "error: python3.13 not found on PATH or in pyenv (install it, e.g. 'pyenv install 3.13')" >&2; exit 1; fi

$(VENV)/.installed: pyproject.toml | python313
	@test -x $(PY) || $(PYTHON313) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(SAM_VENV)/.installed: | python313
	@test -x $(SAM_VENV)/bin/python || $(PYTHON313) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet aws-sam-cli==$(SAM_CLI_VERSION)
	@touch $@

# The browser tests drive Debian's Chromium with Playwright (pip, in the dev extras; its own
# browser download is not used) and scan pages with axe-core (npm, from package-lock.json).
CHROMIUM ?= /usr/bin/chromium

$(CHROMIUM):
	@if command -v chromium >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "error: the browser tests need Chromium; install it as root: apt-get install -y chromium" >&2; exit 1; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get install -y -q chromium >/dev/null || { apt-get update -q && apt-get install -y -q chromium; }

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found (apt-get install -y npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund --silent
	@touch $@

browser: $(CHROMIUM) node_modules/.installed

install: $(VENV)/.installed $(SAM_VENV)/.installed browser

dev: $(VENV)/.installed
	$(PY) -m portico_local

test: install
	PATH="$(abspath $(SAM_VENV))/bin:$(dir $(PYTHON313)):$$PATH" $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

test-fast: $(VENV)/.installed
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not template and not browser and not fuzz"

# The bounded run of tests/fuzz is part of `make test` (3 examples per operation, seed 9);
# this one runs more examples with a fresh seed (in the command it prints: rerun with
# FUZZ_SEED=...) and adds schemathesis' coverage phase.
FUZZ_EXAMPLES ?= 50
FUZZ_SEED ?= $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
fuzz: $(VENV)/.installed
	PORTICO_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) PORTICO_FUZZ_SEED=$(FUZZ_SEED) PORTICO_FUZZ_COVERAGE=1 \
	  $(PY) -m pytest -p no:cacheprovider tests/fuzz

test-browser: $(VENV)/.installed browser
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup tests/browser

screenshots: $(VENV)/.installed browser
	PORTICO_SCREENSHOTS=1 $(PY) -m pytest tests/browser

lint: $(VENV)/.installed
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: lint typecheck test

publish-web: $(VENV)/.installed
	@test -n "$(STACK)" || { echo "error: name the stack: make publish-web STACK=portico-dev" >&2; exit 2; }
	$(VENV)/bin/portico-admin publish-web --stack $(STACK)

bench: $(VENV)/.installed
	$(PY) -m bench $(BENCH_ARGS)

lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile pyproject.toml --quiet --python-version 3.13 \
	  --python-platform aarch64-manylinux_2_28 --custom-compile-command "make lock" \
	  --output-file layers/common/requirements.txt

openapi: $(VENV)/.installed
	$(PY) -m portico_local.openapi --write docs/openapi.json

build: $(SAM_VENV)/.installed
	PATH="$(dir $(PYTHON313)):$$PATH" $(SAM) build

validate: $(SAM_VENV)/.installed $(VENV)/.installed
	$(VENV)/bin/cfn-lint template.yaml
	$(SAM) validate --lint

clean:
	rm -rf .aws-sam build .pytest_cache .mypy_cache .ruff_cache
