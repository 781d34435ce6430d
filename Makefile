# One-command set-up: every target builds .venv from the pinned requirements first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEST ?= build/CIRCUITPY
# make bundle SOURCE=1: .py sources, for CircuitPython versions other than 10.x (default .mpy).
SOURCE ?= 0
# make bundle FORCE=1: files of yours where the bundle must write are kept as NAME.bak.
FORCE ?= 0
# make web: where the page is served (BIND=0.0.0.0 lets a phone on the same network open it).
PORT ?= 8000
BIND ?= 127.0.0.1
NPM ?= npm
WEB_DEPS := web/node_modules/.installed
NODE_HELP := install Node.js 18 or newer with npm (Debian and Ubuntu: sudo apt-get install nodejs npm; elsewhere: https://nodejs.org/)

.PHONY: sim test lint bench bundle web clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

sim: $(STAMP)
	$(PY) -m sim $(ARGS)

# The page's MicroPython-WebAssembly, as pinned in web/package-lock.json. Without npm, make test
# goes on and its Node and browser tests skip, saying why.
$(WEB_DEPS): web/package.json web/package-lock.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
		cd web && $(NPM) ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "note: npm not found, so the web page's tests will skip; $(NODE_HELP)"; \
	fi

# One worker per CPU (pytest-xdist); ARGS="-n 0 tests/test_x.py" runs one file in this process.
test: $(STAMP) lint $(WEB_DEPS)
	$(PY) -P -m pytest -q -n auto $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# p9 measures the web page, so bench installs its MicroPython-WebAssembly as test does.
bench: $(STAMP) $(WEB_DEPS)
	$(PY) -m bench $(ARGS)

bundle: $(STAMP)
	$(PY) -m tools.bundle "$(DEST)" $(if $(filter 1,$(SOURCE)),--source) $(if $(filter 1,$(FORCE)),--force)

# The web page in build/web/ (deployable as it is), served on http://localhost:$(PORT)/.
web: $(STAMP)
	@command -v node >/dev/null 2>&1 && command -v $(NPM) >/dev/null 2>&1 || \
		{ echo "make web needs Node.js and npm: $(NODE_HELP)" >&2; exit 1; }
	@$(MAKE) --no-print-directory $(WEB_DEPS)
	$(PY) -m tools.web build/web
	@echo "Serving the page on http://localhost:$(PORT)/ (Ctrl-C stops it)"
	@$(PY) -m http.server $(PORT) --bind $(BIND) --directory build/web >/dev/null

clean:
	rm -rf $(VENV) sim-out build bench-results.json web/node_modules
