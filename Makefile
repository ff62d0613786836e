# renda — the two set-up commands are `make demo` and `make test` (see README).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTHON ?= python3

.PHONY: demo test install install-test lint bench browser clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(PY) node_modules/.package-lock.json
	$(PIP) install -q -e .

install-test: $(PY) node_modules/.package-lock.json
	$(PIP) install -q -e ".[test]"

## Build the demo city and serve it at http://127.0.0.1:8000
demo: install
	$(VENV)/bin/renda demo

## Install the test dependencies and run the whole test suite (lint included).
test: install-test browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check src tests bench || true

## Debian's chromium and a CJK font for the real-browser journeys (skipped where absent).
browser:
	@sh scripts/ensure-browser

bench: install-test
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules data
