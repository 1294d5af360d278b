#!/usr/bin/env bash
# `make run`: migrate, load the demo city (idempotent), print the demo accounts and serve the
# portal as production does — gunicorn (static files through WhiteNoise), a Celery worker and
# beat on Redis. Without a Redis answering, background work runs in a thread of the server.
# Ctrl+C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=${DEBUG:-1}
HOST=${MISTO_HOST:-127.0.0.1}
PORT=${MISTO_PORT:-8000}
REDIS_URL=${MISTO_RUN_REDIS_URL:-redis://127.0.0.1:6379/0}
say() { printf '\033[1;34m[run]\033[0m %s\n' "$*"; }

# Web workers from the core count: 2 × cores + 1, at most 9 (MISTO_WORKERS overrides).
CORES=$(nproc 2>/dev/null || echo 1)
WORKERS=${MISTO_WORKERS:-$((2 * CORES + 1))}
[ "$WORKERS" -gt 9 ] && WORKERS=9

REDIS_HOST=$(python3 -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).hostname)" "$REDIS_URL")
REDIS_PORT=$(python3 -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).port or 6379)" "$REDIS_URL")
if command -v redis-cli >/dev/null 2>&1 && redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  BACKGROUND="Celery worker and beat on $REDIS_URL"
  export CELERY_BROKER_URL=$REDIS_URL MISTO_BACKGROUND=celery
else
  BACKGROUND="in-process (no Redis answers at $REDIS_URL: tasks run eagerly, imports in a thread)"
  export MISTO_BACKGROUND=thread CELERY_TASK_ALWAYS_EAGER=1
fi

say "applying migrations"
.venv/bin/python manage.py migrate --no-input -v 0
say "loading the demo city (data/shapefiles/)"
.venv/bin/python manage.py load_demo_city
say "computing service coverage (walking distances along the streets)"
.venv/bin/python manage.py coverage_recompute
say "collecting static files (served by WhiteNoise)"
.venv/bin/python manage.py collectstatic --no-input -v 0
.venv/bin/python manage.py demo_accounts

PIDS=()
stop() {
  trap - INT TERM EXIT
  [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/gunicorn portal.wsgi --bind "$HOST:$PORT" --workers "$WORKERS" --timeout 60 \
  --access-logfile - --log-level warning &
PIDS+=($!)
if [ "$MISTO_BACKGROUND" = celery ]; then
  .venv/bin/celery -A portal worker --loglevel warning --concurrency 2 &
  PIDS+=($!)
  .venv/bin/celery -A portal beat --loglevel warning --schedule "${TMPDIR:-/tmp}/misto-celerybeat-$PORT" &
  PIDS+=($!)
fi
say "serving http://$HOST:$PORT/ with gunicorn ($WORKERS workers, DEBUG=$DEBUG)"
say "background work: $BACKGROUND"
say "Ctrl+C stops the server$([ "$MISTO_BACKGROUND" = celery ] && echo ', the worker and beat')"
# Whichever stops first (or Ctrl+C) stops the rest.
wait -n "${PIDS[@]}" || true
