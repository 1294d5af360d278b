#!/usr/bin/env bash
# Check the architecture contracts, then run the whole test suite against a real PostGIS
# database (pytest creates test_<db>).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=${DEBUG:-1}
say() { printf '\033[1;34m[test]\033[0m %s\n' "$*"; }
say "checking the floors of the house (import-linter contracts in pyproject.toml) and ruff"
.venv/bin/lint-imports --no-cache
.venv/bin/ruff check --quiet .
# One test worker per core (pytest-xdist), each with its own test database (test_<db>_gw0, …);
# TEST_WORKERS=0 runs everything in this process. The 25 slowest tests are listed at the end.
WORKERS=${TEST_WORKERS:-$(nproc)}
say "running pytest against PostGIS ($WORKERS workers)"
if [ "$WORKERS" -gt 0 ]; then
  exec .venv/bin/python -m pytest -n "$WORKERS" --dist worksteal --durations=25 "$@"
fi
exec .venv/bin/python -m pytest --durations=25 "$@"
