#!/usr/bin/env bash
# Migrate, load the demo city (idempotent), print the demo accounts and serve the portal.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=${DEBUG:-1}
HOST=${MISTO_HOST:-127.0.0.1}
PORT=${MISTO_PORT:-8000}
say() { printf '\033[1;34m[run]\033[0m %s\n' "$*"; }
# No Celery worker runs here: imports run in a thread of the server (docker compose has a worker).
export MISTO_BACKGROUND=${MISTO_BACKGROUND:-thread}

say "applying migrations"
.venv/bin/python manage.py migrate --no-input -v 0
say "loading the demo city (data/shapefiles/)"
.venv/bin/python manage.py load_demo_city
say "computing service coverage (walking distances along the streets)"
.venv/bin/python manage.py coverage_recompute
.venv/bin/python manage.py demo_accounts
say "serving http://$HOST:$PORT/  (Ctrl+C stops)"
exec .venv/bin/python manage.py runserver --noreload "$HOST:$PORT"
