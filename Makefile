# The interface for people and CI. `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c # a recipe piped through grep fails when its command does (bench-check)
.DEFAULT_GOAL := help
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 3000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= eu-west-2

.PHONY: help install run test lint typecheck validate unit integration browser valgrind e2e fuzz load bench bench-check build lock clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements/dev.txt layers/core/requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) ## create .venv and install everything pinned (idempotent)

run: install ## start the whole stack locally with demo data (PORT=3000)
	$(BIN)/tidings local --port $(PORT)

test: install lint typecheck validate build unit integration e2e bench-check ## every check CI runs

lint: install ## ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install ## mypy (strict) over the core package, the local stack and the functions
	$(BIN)/mypy
	$(BIN)/mypy --explicit-package-bases functions

validate: install ## sam validate --lint
	$(BIN)/sam validate --lint

unit: install ## fast tests, no network
	$(BIN)/pytest tests/unit -q

integration: install ## handlers in-process against moto, tables created from template.yaml
	$(BIN)/pytest tests/integration -q

browser: ## Debian's chromium and chromium-driver, for the file download's browser test (installed if missing)
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  ($(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium chromium-driver)

e2e: install browser ## HTTP against `tidings local`, with the official Notify client (and a real browser)
	$(BIN)/pytest tests/e2e -q

fuzz: install ## schemathesis over /docs/openapi.json on its own `tidings local`, 10x the e2e examples
	TIDINGS_FUZZ_EXAMPLES=$${TIDINGS_FUZZ_EXAMPLES:-100} $(BIN)/pytest tests/e2e/test_fuzz_openapi.py -q

load: install ## issue #9: 5,000 notifications, 50 clients, both dialects on its own `tidings local`; nothing lost (LOAD_*)
	$(BIN)/python -m bench.load

valgrind: ## Debian's valgrind, whose callgrind counts the instructions of each function's init (installed if missing)
	command -v valgrind >/dev/null || \
	  ($(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y valgrind)

bench: install valgrind ## the benchmarks: writes bench/results/latest.json and latest.md
	$(BIN)/python -m bench.run

bench-check: install ## quick benchmarks; fails when an AWS-call budget is exceeded (timings never fail)
	$(BIN)/python -m bench.run --check | grep -v '^{"level'

build: install ## sam build (no Docker: arm64 wheels, Python 3.11 on PATH)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/sam build
	@find .aws-sam/build/CoreLayer .aws-sam/build/LettersLayer -name '*.so' | grep -v aarch64 && { echo "non-aarch64 extension in layer"; exit 1; } || echo "layer extensions: aarch64 only"

lock: ## re-pin requirements/dev.txt from requirements/dev.in (then align layers/*/requirements.txt, as tests/unit/test_layer_pins.py shows, and commit)
	rm -rf /tmp/tidings-lock && $(PYTHON) -m venv /tmp/tidings-lock
	cd requirements && /tmp/tidings-lock/bin/pip install --quiet -r dev.in
	(echo "# Pinned by 'make lock' from requirements/dev.in. Do not edit by hand."; /tmp/tidings-lock/bin/pip freeze) > requirements/dev.txt

clean: ## remove the venv and build output
	rm -rf $(VENV) .aws-sam .mypy_cache .pytest_cache .ruff_cache
