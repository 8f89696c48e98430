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

.PHONY: venv demo test test-integration test-tutor tutor-venv test-ui ui frontend-node bench lint format node services browser bench-tools clean openapi

venv: $(VENV)/.installed

$(VENV)/.installed: setup.py requirements/test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/test.txt -e .
	touch $@

# The Tutor plugin's own virtualenv: Tutor and tutor-mfe from PyPI (pinned in
# tutor-plugin/requirements-test.txt) and the plugin, editable. Kept apart from .venv, whose
# Django stack Tutor does not need.
TUTOR_VENV ?= .venv-tutor
TUTOR_PY := $(TUTOR_VENV)/bin/python

tutor-venv: $(TUTOR_VENV)/.installed

$(TUTOR_VENV)/.installed: tutor-plugin/pyproject.toml tutor-plugin/requirements-test.txt
	$(PYTHON) -m venv $(TUTOR_VENV)
	$(TUTOR_PY) -m pip install -q --upgrade pip
	$(TUTOR_PY) -m pip install -q -r tutor-plugin/requirements-test.txt -e tutor-plugin
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

# The Tutor plugin rendered by real Tutor (no Docker): config, settings, images, init, MFEs.
# It also runs the plugin's commands in the sandbox, hence .venv.
test-tutor: venv tutor-venv
	$(TUTOR_PY) -m pytest -q -c tutor-plugin/pyproject.toml --rootdir tutor-plugin \
		-p tests.skip_policy --allowed-skips tests/allowed_skips.txt tutor-plugin/tests

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
	rm -rf $(VENV) $(TUTOR_VENV) $(NODE_DIR)/node_modules $(FRONTEND)/node_modules $(FRONTEND)/harness-dist demo-output
