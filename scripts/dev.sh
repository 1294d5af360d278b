#!/usr/bin/env bash
# `make dev`: Django's auto-reloading development server; background work in a thread.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=${DEBUG:-1}
HOST=${MISTO_HOST:-127.0.0.1}
PORT=${MISTO_PORT:-8000}
export MISTO_BACKGROUND=${MISTO_BACKGROUND:-thread}
say() { printf '\033[1;34m[dev]\033[0m %s\n' "$*"; }
say "applying migrations"
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py load_demo_city
.venv/bin/python manage.py demo_accounts
say "development server (reloads on code changes) on http://$HOST:$PORT/; background work in a thread"
exec .venv/bin/python manage.py runserver "$HOST:$PORT"
