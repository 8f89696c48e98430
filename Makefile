# Two commands for a newcomer: `make demo` and `make test`. Each creates what it needs.
# The frontend (Studio editor, learner widgets): `make ui` builds it for the sandbox's pages,
# `make test-ui` runs its component tests and the end-to-end tests in a real browser.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
NODE_DIR := tests/interop
FRONTEND := frontend
# A skipped test fails these runs unless tests/allowed_skips.txt lists it, with a reason.
PYTEST := $(PY) -m pytest -p tests.skip_policy --allowed-skips tests/allowed_skips.txt

.PHONY: venv demo test test-integration test-ui ui frontend-node bench lint format node services browser bench-tools clean openapi

venv: $(VENV)/.installed

$(VENV)/.installed: setup.py requirements/test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/test.txt -e .
	touch $@

node: $(NODE_DIR)/node_modules/.installed

$(NODE_DIR)/node_modules/.installed: $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The frontend package's Node modules (jest, the harness's Vite build, axe-core for the e2e).
frontend-node: $(FRONTEND)/node_modules/.installed

$(FRONTEND)/node_modules/.installed: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser harness (frontend/harness-dist/) that the sandbox LMS's UI pages load.
ui: frontend-node
	cd $(FRONTEND) && npm run build:harness

services:
	bash scripts/services.sh

browser:
	bash scripts/browser.sh

bench-tools:
	bash scripts/bench-tools.sh

demo: venv
	$(PY) sandbox/demo.py

test: venv browser
	$(PYTEST) -q tests --ignore=tests/integration --ignore=tests/interop --ignore=tests/ui

test-integration: venv node services browser
	MICROCREDS_TEST_DB=mysql $(PYTEST) -q --durations=10 tests tests/integration tests/interop --ignore=tests/ui

# Component tests (jest), then the harness build and the end-to-end tests: a sandbox server on
# SQLite driven by Debian's Chromium (screenshots in demo-output/ui/).
test-ui: venv browser frontend-node
	cd $(FRONTEND) && npm test
	cd $(FRONTEND) && npm run build:harness
	$(PYTEST) -q --durations=5 tests/ui

bench: venv node bench-tools
	$(PY) benchmarks/run.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# The committed OpenAPI document of the REST API, regenerated from the code (a test compares them).
openapi: venv
	$(PY) sandbox/manage.py lms microcreds_openapi openedx_microcreds/rest_api/v1/openapi.yaml

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) $(NODE_DIR)/node_modules $(FRONTEND)/node_modules $(FRONTEND)/harness-dist demo-output
