# One-command set-up: every target builds .venv from the pinned requirements first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEST ?= build/CIRCUITPY
# make bundle SOURCE=1: .py sources, for CircuitPython versions other than 10.x (default .mpy).
SOURCE ?= 0

.PHONY: sim test lint bench bundle clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

sim: $(STAMP)
	$(PY) -m sim $(ARGS)

# One worker per CPU (pytest-xdist); ARGS="-n 0 tests/test_x.py" runs one file in this process.
test: $(STAMP) lint
	$(PY) -P -m pytest -q -n auto $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(STAMP)
	$(PY) -m bench $(ARGS)

bundle: $(STAMP)
	$(PY) -m tools.bundle "$(DEST)" $(if $(filter 1,$(SOURCE)),--source)

clean:
	rm -rf $(VENV) sim-out build bench-results.json
