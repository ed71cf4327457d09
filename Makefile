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

## Benchmark: sample + build at 1M incidents a year (over 2M rows) into data/bench/.
bench-build: venv
	$(BIN)/python scripts/bench_build.py

## Benchmark: warm reruns of every page on the sample and on the bench-build warehouse.
bench-pages: venv
	$(BIN)/python -m command_center ensure
	for page in views/*.py; do \
	  $(BIN)/python scripts/bench_pages.py $$page --warehouse data/warehouse.duckdb --runs 5; \
	  test ! -f data/bench/warehouse.duckdb || \
	  $(BIN)/python scripts/bench_pages.py $$page --warehouse data/bench/warehouse.duckdb \
	    --runs 5 --today 2026-11-20; \
	done

clean:
	rm -rf data/warehouse* data/exports data/bench test-artifacts
