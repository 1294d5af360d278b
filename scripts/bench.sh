#!/usr/bin/env bash
# `make bench`: a scale data set in its own database, the portal under gunicorn on 127.0.0.1,
# then bench/run.py (wrk against each endpoint, pgbench against the SQL underneath).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1;34m[bench]\033[0m %s\n' "$*"; }

export DATABASE_URL=${BENCH_DATABASE_URL:-postgis://misto:misto@127.0.0.1:5432/misto_bench}
export DEBUG=0
export SECRET_KEY=${BENCH_SECRET_KEY:-bench-only-secret-not-for-production-0123456789abcdef}
export ALLOWED_HOSTS=127.0.0.1,localhost
export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
# Plain http on loopback, as behind the proxy that terminates TLS: no redirect to https://.
export SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export STATIC_ROOT=${STATIC_ROOT:-$PWD/staticfiles}
export LOG_LEVEL=WARNING
PORT=${BENCH_PORT:-8765}
WORKERS=${BENCH_WORKERS:-4}

# The database of the bench (created by the set-up when missing).
DATABASE_URL=$DATABASE_URL scripts/setup.sh --bench
say "migrating and loading the demo city into $(basename "$DATABASE_URL")"
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py load_demo_city --no-accounts > /dev/null
MISTO_DEMO_PASSWORD=misto-demo .venv/bin/python -c "
import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings'); django.setup()
from demo.accounts import demo_accounts_ensure; demo_accounts_ensure()"
.venv/bin/python manage.py collectstatic --no-input -v 0

say "generating the scale data set (100,000 buildings, 50,000 facilities; once)"
.venv/bin/python manage.py generate_scale_data --buildings "${BENCH_BUILDINGS:-100000}" --facilities "${BENCH_FACILITIES:-50000}"

# Two servers: the portal as configured, and one with the tile cache off (uncached tiles).
start_server() {  # port, log, extra env...
  local port=$1 log=$2; shift 2
  env "$@" .venv/bin/gunicorn portal.wsgi --bind "127.0.0.1:$port" --workers "$WORKERS" --log-level warning \
    > "$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" > /dev/null && return 0; sleep 0.2; done
  cat "$log"; exit 1
}
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
# The background work as `make run` and the stack have it: Celery on Redis with a worker (the
# set-up starts Redis), so a filing's e-mails are sent by the worker, not inside the request.
# Without Redis the tasks run in the web process, and the report says so.
BENCH_REDIS=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/14}
if redis-cli -u "$BENCH_REDIS" ping > /dev/null 2>&1; then
  export CELERY_BROKER_URL=$BENCH_REDIS MISTO_BACKGROUND=celery BENCH_BACKGROUND="Celery worker on $BENCH_REDIS"
  redis-cli -u "$BENCH_REDIS" flushdb > /dev/null
  .venv/bin/celery -A portal worker --loglevel warning --concurrency 1 > /tmp/misto-bench-celery.log 2>&1 &
  PIDS+=($!)
else
  export CELERY_TASK_ALWAYS_EAGER=1 BENCH_BACKGROUND="in the web process (no Redis at $BENCH_REDIS)"
fi
say "background work: $BENCH_BACKGROUND"
say "starting gunicorn ($WORKERS workers each) on 127.0.0.1:$PORT and :$((PORT + 1)) (tile cache off)"
start_server "$PORT" /tmp/misto-bench-gunicorn.log
start_server "$((PORT + 1))" /tmp/misto-bench-gunicorn-nocache.log MISTO_TILE_CACHE_SECONDS=0

.venv/bin/python bench/run.py --base-url "http://127.0.0.1:$PORT" --nocache-url "http://127.0.0.1:$((PORT + 1))" \
  ${BENCH_ONLY:+--only "$BENCH_ONLY"}
