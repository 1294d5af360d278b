# Misto — every command a person runs. `make run` and `make test` work on a fresh
# Debian/Ubuntu machine: scripts/setup.sh installs and prepares whatever is missing.
SHELL := /bin/bash
PY := .venv/bin/python
export DEBUG ?= 1

.PHONY: help setup run dev stack stack-stop test-stack backup restore test bench lint demo-data clean

help:
	@echo "make run        set up, migrate, load the demo city, serve http://127.0.0.1:8000 (gunicorn, Celery)"
	@echo "make dev        the same with Django's auto-reloading development server"
	@echo "make stack      nginx + 2 gunicorn + Celery + Redis + PostgreSQL primary/replica on :8080"
	@echo "make stack-stop stop everything make stack started"
	@echo "make test-stack start the stack and prove it under load with faults injected"
	@echo "make backup     pg_dump + media into backups/<timestamp>/; make restore BACKUP=dir"
	@echo "make test       set up, then run the whole test suite against PostGIS"
	@echo "make bench      benchmarks: latency percentiles and ratios to the raw PostGIS query"
	@echo "make lint       ruff"
	@echo "make demo-data  regenerate data/shapefiles/ from the deterministic generator"

setup:
	@scripts/setup.sh

run:
	@scripts/setup.sh
	@scripts/run.sh

dev:
	@scripts/setup.sh
	@scripts/dev.sh

stack:
	@scripts/setup.sh --stack
	@scripts/stack.sh start

stack-stop:
	@scripts/stack.sh stop

test-stack:
	@scripts/setup.sh --stack
	$(PY) scripts/test_stack.py

backup:
	@scripts/backup.sh backup

restore:
	@scripts/backup.sh restore "$(BACKUP)" $(TARGET)

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
