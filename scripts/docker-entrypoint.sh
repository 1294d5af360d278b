#!/usr/bin/env bash
# Container entry point. The web container migrates (and may load the demo city) before
# serving; the database is healthy by then (docker-compose.yml waits for it).
set -euo pipefail
if [ "${MISTO_MIGRATE:-0}" = "1" ]; then
  python manage.py migrate --no-input
  if [ "${MISTO_LOAD_DEMO:-0}" = "1" ]; then
    python manage.py load_demo_city --no-accounts
    python manage.py coverage_recompute
  fi
fi
exec "$@"
