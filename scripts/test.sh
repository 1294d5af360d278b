#!/usr/bin/env bash
# Run the whole test suite against a real PostGIS database (pytest creates test_<db>).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=${DEBUG:-1}
printf '\033[1;34m[test]\033[0m %s\n' "running pytest against PostGIS"
exec .venv/bin/python -m pytest "$@"
