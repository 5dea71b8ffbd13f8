# Rollcall: the two commands a newcomer needs are `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PROD_PORT ?= 8000

.PHONY: run run-prod test test-fast test-browser soak lint audit format install install-dev migrate seed clean bench bench-data bench-search bench-dashboard bench-http

# Benchmarks (bench/): one organisation built by bench/generate.py, shared by every benchmark.
BENCH_DATABASE_URL ?= sqlite:///instance/bench.db
BENCH_SCALE ?= 1
# Seconds each HTTP figure is measured for (after a warm-up); 5 gives a quick look.
BENCH_DURATION ?= 30
# Each benchmark adds its target here; `make bench` runs them all on the same data.
BENCH_TARGETS := bench-search bench-dashboard bench-http

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask demo seed --if-empty

run: seed
	@echo "Rollcall on http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python wsgi.py

# The production stack on loopback: nginx (least_conn; Socket.IO sticky) -> N gunicorn processes -> Redis, plus the jobs
# worker; PostgreSQL when DATABASE_URL is set, else SQLite (WAL). Ctrl-C stops everything.
# PROD_PORT (default 8000), WEB_PROCESSES (default: one per core), WEB_THREADS, REDIS_PORT override.
run-prod: seed
	$(BIN)/python -m deploy.stack --port $(PROD_PORT) --no-seed

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install-dev
	$(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

test-browser: install-dev
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# The reliability tests at full size (2,000 posts and replies, 8 writers); CI runs them small.
soak: install-dev
	SOAK=1 REQUIRE_STACK=1 $(BIN)/python -m pytest -m stack $(PYTEST_ARGS) tests/reliability tests/browser/test_realtime_outage.py

bench: $(BENCH_TARGETS)

bench-data: install
	$(BIN)/python -m bench.generate --database-url $(BENCH_DATABASE_URL) --scale $(BENCH_SCALE) --if-missing

bench-search: bench-data
	$(BIN)/python -m bench.search --database-url $(BENCH_DATABASE_URL)

# The insight dashboard: p50/p95 of GET /insights and of each section (target: under 1 s).
bench-dashboard: bench-data
	$(BIN)/python -m bench.dashboard --database-url $(BENCH_DATABASE_URL)

# Feeds, posting, live delivery, fan-out, search and memory over HTTP against the production
# server (gunicorn), beside the ceiling; wrk when installed (apt-get install wrk), else a Python client.
bench-http: bench-data
	$(BIN)/python -m bench.run --database-url $(BENCH_DATABASE_URL) --duration $(BENCH_DURATION)

lint: install-dev
	$(BIN)/ruff check app tests deploy bench
	$(BIN)/ruff format --check app tests deploy bench

audit: install-dev
	$(BIN)/python .ci/audit.py requirements.txt

format: install-dev
	$(BIN)/ruff format app tests deploy bench
	$(BIN)/ruff check --fix app tests deploy bench

clean:
	rm -rf $(VENV) instance search_index/*[!.gitkeep]
