# The two commands of the README: `make demo` runs the main job on bundled data,
# `make test` runs lint, format check, type check and the whole test suite. Both create .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck format clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,dask]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/siaga plan banjir-samarinda-2019 --out out/

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# the dashboard's browser tests drive Debian's Chromium (tests/api/dashboard/test_dashboard.py)
CHROMIUM := /usr/bin/chromium
$(VENV)/.chromium: $(STAMP)
	test -x $(CHROMIUM) || apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
		|| (apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core)
	touch $@

# mypy over scenarios/, network/ and optimizer/ (pyproject [tool.mypy])
typecheck: $(STAMP)
	$(BIN)/mypy

# everything, slow tests included; a developer's quick run: .venv/bin/pytest -m "not slow"
test: lint typecheck $(VENV)/.chromium
	$(BIN)/pytest -q

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
