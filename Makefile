# The two commands a newcomer needs are `make serve` and `make test`; everything else supports them.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RUN := $(UV) run --frozen --no-sync
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= demo
BENCH_ARGS ?=
ARGS ?= --help
# npm ci writes this file; it is older than the committed lock when PostGraphile needs reinstalling.
BENCH_NODE_MODULES := bench/postgraphile/node_modules/.package-lock.json

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: serve test lint typecheck pytest format migrate seed sdl key bench bench-export clean

serve: $(VENV)/.synced
	$(RUN) alembic upgrade head
	$(RUN) python -m seeds --scale demo --if-empty
	@echo "GraphiQL: http://$(HOST):$(PORT)/graphql"
	$(RUN) uvicorn --factory schema.app:create_app --host $(HOST) --port $(PORT)

test: lint typecheck pytest

lint: $(VENV)/.synced
	$(RUN) ruff check .
	$(RUN) ruff format --check .

typecheck: $(VENV)/.synced
	$(RUN) mypy

pytest: $(VENV)/.synced
	$(RUN) pytest

format: $(VENV)/.synced
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

migrate: $(VENV)/.synced
	$(RUN) alembic upgrade head

seed: $(VENV)/.synced
	$(RUN) python -m seeds --scale $(SCALE)

sdl: $(VENV)/.synced
	$(RUN) python -m schema.sdl

# API keys in DATABASE_URL: `make key ARGS="create --name Ops --role admin"`, `make key ARGS=list`,
# `make key ARGS="revoke <prefix>"`. The key is printed once and never stored.
key: $(VENV)/.synced
	$(RUN) python -m schema.keys $(ARGS)

# The full-scale comparison with PostGraphile and a SQL floor (minutes; see bench/run.py).
# BENCH_ARGS passes options through, e.g. `make bench BENCH_ARGS="--rounds 7"`.
bench: $(VENV)/.synced $(BENCH_NODE_MODULES)
	$(RUN) python -m bench.run $(BENCH_ARGS)

# Streams every product (NDJSON and CSV) from the bench database through uvicorn: rows/s and
# the server's peak RSS, in bench/results/export.md. `make bench-export BENCH_ARGS="--rounds 1"`.
bench-export: $(VENV)/.synced
	$(RUN) python -m bench.export $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache

# uv lives in its own small environment so that an exact `uv sync` never removes it.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

$(BENCH_NODE_MODULES): bench/postgraphile/package.json bench/postgraphile/package-lock.json
	cd bench/postgraphile && npm ci --no-audit --no-fund
	@touch $@
