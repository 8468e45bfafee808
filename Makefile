# The two commands of the README: `make run` and `make test` (`make test-fast` while working).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# One BLAS thread per process (app.py says why): the tests run on WORKERS processes too.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: run dev serve test test-fast lint bench system-deps nginx-dep

# The server, warmed in the background once it answers (deploy/warm.py: every page and lesson
# opened once, so the class's first visits come from the caches).
run: $(VENV)/.runtime
	$(PY) deploy/warm.py http://127.0.0.1:$(PORT) --serve --server.port $(PORT)

# Hosting on one machine: REPLICAS app processes (one core each) behind nginx on port 8080
# (or PORT when given; the replicas take the ports after it).
REPLICAS ?= 2
serve: $(VENV)/.runtime nginx-dep
	$(PY) deploy/local.py --replicas $(REPLICAS) --port $(if $(filter 8501,$(PORT)),8080,$(PORT))

# For development: reload when a source file is saved (polling only the app's own modules).
dev: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.fileWatcherType poll --server.runOnSave true

# The suite on WORKERS processes (pytest-xdist); tests/conftest.py keeps the tests sharing a
# module's fixture on one worker.
WORKERS ?= 2
PARALLEL := -n $(WORKERS) --dist loadgroup

# While working: the engine, settings, texts and figures (no page script, browser or server,
# nor the lessons' claims on trained networks).
test-fast: $(VENV)/.dev
	$(PY) -m ruff check -q .
	$(PY) -m pytest -q $(PARALLEL) -m "not (slow or pages or browser or deploy)"

# Before pushing, and in CI: every layer.
test: $(VENV)/.dev system-deps
	$(PY) -m ruff check .
	$(PY) -m pytest $(PARALLEL)

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(VENV)/.dev
	$(PY) bench/engine.py

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	touch $@

$(VENV)/.runtime: $(VENV)/.created requirements.txt
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Debian's packages for the tests: Chromium for the real-browser tests (Playwright cannot
# download browsers here), a CJK font so Chinese text renders in headless screenshots, and
# nginx for the replica tests of deploy/.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-wqy-zenhei >/dev/null 2>&1 \
		|| ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || ! dpkg -s nginx >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-zenhei fonts-noto-color-emoji nginx >/dev/null; \
	fi

nginx-dep:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; \
	fi
