# The interface for people and CI. `make run` and `make test` do all the set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 3000
export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= eu-west-2

.PHONY: help install run test lint typecheck validate unit integration e2e bench bench-check build lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements/dev.txt layers/core/requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) ## create .venv and install everything pinned (idempotent)

run: install ## start the whole stack locally with demo data (PORT=3000)
	$(BIN)/tidings local --port $(PORT)

test: install lint typecheck validate unit integration e2e bench-check ## every check CI runs

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

e2e: install ## HTTP against `tidings local`, with the official Notify client
	$(BIN)/pytest tests/e2e -q

bench: install ## the benchmarks: writes bench/results/latest.json and latest.md
	$(BIN)/python -m bench.run

bench-check: install ## quick benchmarks; fails when an AWS-call budget is exceeded (timings never fail)
	$(BIN)/python -m bench.run --check | grep -v '^{"level'

build: install ## sam build (no Docker: arm64 wheels, Python 3.11 on PATH)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/sam build
	@find .aws-sam/build/CoreLayer -name '*.so' | grep -v aarch64 && { echo "non-aarch64 extension in layer"; exit 1; } || echo "layer extensions: aarch64 only"

lock: ## re-pin requirements/dev.txt from requirements/dev.in (then commit it)
	rm -rf /tmp/tidings-lock && $(PYTHON) -m venv /tmp/tidings-lock
	cd requirements && /tmp/tidings-lock/bin/pip install --quiet -r dev.in
	(echo "# Pinned by 'make lock' from requirements/dev.in. Do not edit by hand."; /tmp/tidings-lock/bin/pip freeze) > requirements/dev.txt

clean: ## remove the venv and build output
	rm -rf $(VENV) .aws-sam .mypy_cache .pytest_cache .ruff_cache
