# Misto — every command a person runs. `make run` and `make test` work on a fresh
# Debian/Ubuntu machine: scripts/setup.sh installs and prepares whatever is missing.
SHELL := /bin/bash
PY := .venv/bin/python
export DEBUG ?= 1

.PHONY: help setup run test bench lint demo-data clean

help:
	@echo "make run        set up, migrate, load the demo city, serve http://127.0.0.1:8000"
	@echo "make test       set up, then run the whole test suite against PostGIS"
	@echo "make bench      benchmarks: latency percentiles and ratios to the raw PostGIS query"
	@echo "make lint       ruff"
	@echo "make demo-data  regenerate data/shapefiles/ from the deterministic generator"

setup:
	@scripts/setup.sh

run:
	@scripts/setup.sh
	@scripts/run.sh

test:
	@scripts/setup.sh --test
	@scripts/test.sh $(ARGS)

bench:
	@scripts/bench.sh

lint:
	@scripts/setup.sh
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

demo-data:
	@scripts/setup.sh
	$(PY) -m demo.generator data/shapefiles

clean:
	rm -rf .venv node_modules static/vendor/*/ static/vendor/.stamp staticfiles media .pytest_cache
