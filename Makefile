# 平安治理一张图 — the two commands: `make run` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint venv sample build bench-build bench-pages clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

## Start the dashboard (builds the sample warehouse on first start).
run: venv
	$(BIN)/python -m command_center ensure
	$(BIN)/streamlit run asgi.py --server.port $(PORT)

## Lint and the whole test suite (browser tests need Debian's chromium + fonts-noto-cjk).
test: venv
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check .

sample: venv
	$(BIN)/python -m command_center sample

build: venv
	$(BIN)/python -m command_center build

## Benchmarks at a scale (SCALE=2M or 20M): the sample, the build against DuckDB's own read of
## the same files, a 1,000-row import; then every page's cold run and uncached reruns against
## its own queries. Tables are printed for the README.
SCALE ?= 2M
BENCH := data/bench/$(SCALE)
bench-build: venv
	$(BIN)/python scripts/bench_build.py --scale $(SCALE) --out $(BENCH)

bench-pages: venv
	test -f $(BENCH)/warehouse.duckdb || $(MAKE) bench-build SCALE=$(SCALE)
	@echo "| page | first paint (cold) | cached rerun | uncached rerun | maps too | its queries | queries |"
	@echo "|---|---|---|---|---|---|---|"
	@for page in views/*.py; do \
	  $(BIN)/python scripts/bench_pages.py $$page --warehouse $(BENCH)/warehouse.duckdb \
	    --runs 5 --today 2026-11-20 --row; \
	done

clean:
	rm -rf data/warehouse* data/exports data/bench test-artifacts
