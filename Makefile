# ino-audit: the two-command quickstart (`make audit`, `make test`) and a few helpers.
SHELL  := bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out/sample

.PHONY: install audit lint test test-fast docs sample server clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip 2>&1 | { grep -v 'is ignored' || true; }

$(STAMP): $(BIN)/python pyproject.toml
	@echo "Installing ino-audit and its dependencies into $(VENV) (first time: about a minute)"
	$(BIN)/python -m pip install -q -e '.[dev]' 2>&1 | { grep -v -e '^WARNING: Location' -e 'is ignored' || true; }
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project (fast when already installed)

audit: $(STAMP) ## audit the committed sample extract into $(OUT)
	$(BIN)/ino-audit audit --claims data_samples/claims.csv --encounters data_samples/encounters.csv \
	  --members data_samples/members.csv --out $(OUT) --prefect

lint: $(STAMP) ## ruff (lint and format), sqlfluff over all SQL, mypy, the import layers
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint sql --disable-progress-bar
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: lint ## lint and run the whole test suite
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## the fast tier (under a minute): unit tests and the rules casebook
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow"

server: $(STAMP) ## start a local Prefect server (needed for scheduled runs)
	@echo "Then: export PREFECT_API_URL=http://127.0.0.1:4200/api"
	$(BIN)/prefect server start

docs: $(STAMP) ## regenerate docs/rules from the registry and the rule SQL
	$(BIN)/python -m ino_audit.devtools.docs

sample: $(STAMP) ## regenerate the committed sample extract
	$(BIN)/ino-audit generate --claim-lines 5000 --out data_samples --format csv --seed 7

clean:
	rm -rf out .pytest_cache
