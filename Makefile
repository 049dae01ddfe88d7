# The commands people type. Everything else lives in `python -m bot ...` (bot/cli.py).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
STAMP    := $(VENV)/.installed
DATA     ?= ../shared/eval/devset.tsv

# Rasa 3.6 needs Python >=3.8,<3.11 (on 3.11 pip silently picks rasa 1.10.2).
# Take the first candidate that really runs 3.10: python3.10 on PATH (a pyenv shim
# only works when 3.10 is selected), then pyenv's own 3.10 installs.
PYTHON310 := $(shell for c in "$$(command -v python3.10)" $$(ls -1d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10*/bin/python3.10 2>/dev/null | sort -r); do \
	[ -n "$$c" ] && "$$c" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$$c"; break; }; done)

# `make run PROFILE=production` and friends: pass these settings on to every command.
export PROFILE DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD REDIS_HOST REDIS_PORT

.PHONY: help install browser run test eval soak bench safety-report telegram-webhook lint format clean

help:
	@echo "make run    install, build, train if needed, start the assistant"
	@echo "make test   install, build, train if needed, run every test"
	@echo "make eval DATA=path   score a labelled .tsv or .yml file against the real bot"
	@echo "make soak    a bounded load on a fresh local set-up (errors and lost events must be 0)"
	@echo "make bench   benchmark against a stock Rasa set-up, side by side"
	@echo "make safety-report    tests + evaluation, then docs/safety/REPORT.md"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "ERROR: Python 3.10 not found (Rasa 3.6 needs Python >=3.8,<3.11)."; \
	  echo "Install it, for example: pyenv install 3.10.13  (or: apt-get install python3.10 python3.10-venv)"; \
	  exit 1; fi
	@echo ">> creating $(VENV) with $(PYTHON310)"
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip<25" wheel
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt -c constraints.txt
	@touch $(STAMP)

install: $(STAMP)

# Chromium (Debian) and the npm packages the browser tests serve locally.
BROWSER_STAMP := node_modules/.installed
$(BROWSER_STAMP): package.json package-lock.json scripts/install-browser.sh
	bash scripts/install-browser.sh
	@touch $(BROWSER_STAMP)

browser: $(BROWSER_STAMP)

run: install
	$(PY) -m bot run

# Every test, then the clinical safety report: it fails when an implemented control
# in docs/safety/hazards.yml has no passing test or a test names an unknown hazard.
test: install browser
	$(PY) -m bot prepare
	@status=0; \
	$(PY) -m pytest || status=1; \
	$(PY) -m bot.safety_case report --eval results/eval-devset.json results/eval-conversations.json || status=1; \
	exit $$status

soak: install
	$(PY) -m bot prepare
	$(PY) -m bot.soak

bench: install
	$(PY) -m bot prepare
	$(PY) -m bench $(BENCH_ARGS)

# The suite, the evaluation (plus any labelled file given as DATA=...), then the report.
safety-report: install browser
	$(PY) -m bot prepare
	@status=0; \
	$(PY) -m pytest || status=1; \
	$(PY) -m bot eval ../shared/eval/devset.tsv ../shared/eval/conversations.yml $(EXTRA_DATA) || status=1; \
	$(PY) -m bot.safety_case report --eval results/eval-*.json || status=1; \
	exit $$status

telegram-webhook: install
	$(PY) -m bot.channels.telegram set-webhook --url "$(URL)"

eval: install
	$(PY) -m bot prepare
	$(PY) -m bot eval $(DATA)

lint: install
	$(PY) -m ruff check bot actions tests
	$(PY) -m ruff format --check bot actions tests

format: install
	$(PY) -m ruff format bot actions tests
	$(PY) -m ruff check --fix bot actions tests

clean:
	rm -rf models build var results .pytest_cache
