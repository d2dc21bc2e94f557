# Two commands matter: `make run` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
FLASK  := $(BIN)/flask --app wsgi
export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint format install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the declared dependencies change.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	$(FLASK) demo-info
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check portal surveys tests wsgi.py
	$(BIN)/ruff format --check portal surveys tests wsgi.py

format: $(VENV)/.installed-test
	$(BIN)/ruff format portal surveys tests wsgi.py
	$(BIN)/ruff check --fix portal surveys tests wsgi.py

clean:
	rm -rf $(VENV) instance/ .pytest_cache tests/artifacts
