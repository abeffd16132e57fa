# Two commands for a fresh machine with Python 3.13: `make run` and `make test`.
# `make install` is the step both share; it does nothing when the lock file has not changed.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

# Find Python 3.13 ourselves: pyenv's shim honours .python-version, then common names.
PYTHON313 := $(shell for c in python3.13 "$$(pyenv which python3.13 2>/dev/null)" python3 python; do \
	[ -n "$$c" ] && command -v "$$c" >/dev/null 2>&1 && \
	"$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null && { command -v "$$c"; break; }; \
	done)

.PHONY: install install-runtime run test lint types pytest lock clean help

help:
	@echo "make run    install, migrate, load content, create demo accounts, serve http://127.0.0.1:8000"
	@echo "make test   install, then lint, types and the whole test suite"

$(PY):
	@if [ -z "$(PYTHON313)" ]; then \
		echo "Steadfast needs Python 3.13. Install it (for example 'pyenv install 3.13') and try again." >&2; \
		exit 1; fi
	"$(PYTHON313)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Each stamp records the lock file it was installed from; a changed lock reinstalls.
$(VENV)/.runtime-installed: requirements/base.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $@ $(VENV)/.runtime-installed

install-runtime: $(VENV)/.runtime-installed

install: $(VENV)/.dev-installed

run: install-runtime
	@mkdir -p var
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py run_embedded

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy .

pytest: install
	@mkdir -p var
	$(BIN)/pytest

test: lint types pytest

# Re-resolve the lock files (needs network); commit the result.
lock: | $(PY)
	$(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.13 --generate-hashes -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.13 --generate-hashes -o requirements/dev.txt

clean:
	rm -rf $(VENV) var staticfiles .mypy_cache .ruff_cache .pytest_cache
