#!/usr/bin/env bash
# `make stack`: the production topology on this machine, from Debian packages, all under .stack/
# (gitignored) and on its own ports, so stopping it never touches the system PostgreSQL/Redis:
#
#   nginx            127.0.0.1:8080  static + media from disk, tile cache, proxy to the web instances
#   gunicorn × 2     127.0.0.1:8101, :8102
#   Celery worker + beat on the stack's Redis (127.0.0.1:6380, append-only file)
#   PostgreSQL 15    primary 127.0.0.1:5440, streaming replica (pg_basebackup -R) 127.0.0.1:5441
#
#   scripts/stack.sh [start]   start whatever is not running (idempotent)
#   scripts/stack.sh stop      stop everything it started (`make stack-stop`)
#   scripts/stack.sh status    what runs; scripts/stack.sh env prints the environment to use
#   scripts/stack.sh kill-worker | stop-worker | start-worker | restart-redis | stop-replica | start-replica   (faults)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STACK=${MISTO_STACK_DIR:-$ROOT/.stack}
PG_VERSION=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
PG_PRIMARY_PORT=${MISTO_STACK_PG_PORT:-5440}
PG_REPLICA_PORT=${MISTO_STACK_REPLICA_PORT:-5441}
REDIS_PORT=${MISTO_STACK_REDIS_PORT:-6380}
NGINX_PORT=${MISTO_STACK_PORT:-8080}
WEB_PORTS=(${MISTO_STACK_WEB_PORTS:-8101 8102})
WEB_WORKERS=${MISTO_STACK_WORKERS:-2}
DB_NAME=misto
RUN=$STACK/run
LOG=$STACK/log
say() { printf '\033[1;35m[stack]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[stack] %s\033[0m\n' "$*" >&2; exit 1; }

# PostgreSQL refuses to run as root: its clusters belong to the postgres user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# A process that exited but was not yet reaped (a zombie) counts as stopped.
running() { kill -0 "$1" 2>/dev/null && ! ps -o stat= -p "$1" 2>/dev/null | grep -q Z; }
alive() { [ -f "$1" ] && running "$(head -n 1 "$1")"; }

stack_env() {
  cat <<EOF
export DEBUG=0
export SECRET_KEY=$(cat "$STACK/secret")
export ALLOWED_HOSTS=127.0.0.1,localhost
export CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$NGINX_PORT,http://localhost:$NGINX_PORT
export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export DATABASE_URL=postgis://misto:misto@127.0.0.1:$PG_PRIMARY_PORT/$DB_NAME
$([ "${MISTO_STACK_REPLICA:-1}" = 0 ] && echo "unset DATABASE_REPLICA_URL" || echo "export DATABASE_REPLICA_URL=postgis://misto:misto@127.0.0.1:$PG_REPLICA_PORT/$DB_NAME")
export CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0
export CACHE_URL=redis://127.0.0.1:$REDIS_PORT/1
export MISTO_BACKGROUND=celery
export STATIC_ROOT=$STACK/static
export MEDIA_ROOT=$STACK/media
export MISTO_EXPORT_CACHE_DIR=$STACK/exports
export MISTO_SITE_URL=http://127.0.0.1:$NGINX_PORT
export EMAIL_URL=${EMAIL_URL:-consolemail://}
export MISTO_REQUEST_LIMIT_PER_IP=${MISTO_REQUEST_LIMIT_PER_IP:-10}
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
EOF
}

prepare_dirs() {
  mkdir -p "$STACK" "$RUN" "$LOG" "$STACK/redis" "$STACK/media" "$STACK/exports" "$STACK/nginx/tmp" "$STACK/nginx/cache"
  [ -f "$STACK/secret" ] || python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > "$STACK/secret"
  chmod 600 "$STACK/secret"
  # nginx workers run as an unprivileged user: they write the tile cache and read temp files.
  chmod 777 "$STACK/nginx/tmp" "$STACK/nginx/cache"
  mkdir -p "$STACK/pg" && chown postgres "$STACK/pg" "$RUN" "$LOG" 2>/dev/null || true
}

# --- PostgreSQL ---------------------------------------------------------------------------
pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }

pg_start() {  # datadir port name
  if pg_running "$1"; then say "PostgreSQL $3 already runs on 127.0.0.1:$2"; return; fi
  say "starting PostgreSQL $3 on 127.0.0.1:$2"
  as_pg "$PG_BIN/pg_ctl" -D "$1" -l "$LOG/pg-$3.log" -w -t 60 -o "-p $2 -k $RUN" start >/dev/null
}

primary_up() {
  local data=$STACK/pg/primary
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating the primary cluster in $data (initdb)"
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$data/postgresql.conf" <<EOF
# Misto stack (scripts/stack.sh)
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 5
wal_keep_size = 256MB
hot_standby = on
hot_standby_feedback = on
shared_buffers = 64MB
max_connections = 100
EOF
    echo "host replication all 127.0.0.1/32 trust" >> "$data/pg_hba.conf"
  fi
  pg_start "$data" "$PG_PRIMARY_PORT" primary
  local psql=(psql -X -q -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres -v ON_ERROR_STOP=1)
  "${psql[@]}" -d postgres -tAc "select 1 from pg_roles where rolname='misto'" | grep -q 1 \
    || "${psql[@]}" -d postgres -c "create role misto login superuser password 'misto'"
  "${psql[@]}" -d postgres -tAc "select 1 from pg_database where datname='$DB_NAME'" | grep -q 1 \
    || { say "creating database $DB_NAME with PostGIS and pgRouting"; "${psql[@]}" -d postgres -c "create database $DB_NAME owner misto"; }
  "${psql[@]}" -d "$DB_NAME" -c "create extension if not exists postgis; create extension if not exists pgrouting" 2>/dev/null
}

replica_up() {
  local data=$STACK/pg/replica
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating the streaming replica in $data (pg_basebackup -R from :$PG_PRIMARY_PORT)"
    as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres -D "$data" -R -X stream -c fast
  fi
  pg_start "$data" "$PG_REPLICA_PORT" replica
}

# --- Redis --------------------------------------------------------------------------------
redis_up() {
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then say "Redis already runs on 127.0.0.1:$REDIS_PORT"; return; fi
  say "starting Redis on 127.0.0.1:$REDIS_PORT (append-only file in $STACK/redis)"
  envsubst '${REDIS_PORT} ${STACK_REDIS} ${RUN} ${LOG}' < deploy/redis.conf.template > "$STACK/redis.conf"
  redis-server "$STACK/redis.conf"
  for _ in $(seq 1 40); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return; sleep 0.25; done
  die "Redis did not start (see $LOG/redis.log)"
}

# --- the portal ---------------------------------------------------------------------------
portal_prepare() {
  eval "$(stack_env)"
  if [ ! -f "$STACK/.loaded" ]; then
    say "migrating and loading the demo city into the stack's database (once)"
    .venv/bin/python manage.py migrate --no-input -v 0
    .venv/bin/python manage.py load_demo_city > "$LOG/load.log"
    .venv/bin/python manage.py coverage_recompute > /dev/null
    touch "$STACK/.loaded"
  else
    .venv/bin/python manage.py migrate --no-input -v 0
  fi
  # collectstatic (hashing and compressing every file) takes a while: only when something changed.
  if [ ! -f "$STACK/.static-stamp" ] || [ -n "$(find static */static -newer "$STACK/.static-stamp" -print -quit 2>/dev/null)" ]; then
    say "collecting static files into $STACK/static"
    .venv/bin/python manage.py collectstatic --no-input -v 0
    touch "$STACK/.static-stamp"
  fi
}

web_up() {
  eval "$(stack_env)"
  for port in "${WEB_PORTS[@]}"; do
    if alive "$RUN/gunicorn-$port.pid"; then say "gunicorn already serves 127.0.0.1:$port"; continue; fi
    say "starting gunicorn on 127.0.0.1:$port ($WEB_WORKERS workers)"
    .venv/bin/gunicorn portal.wsgi --bind "127.0.0.1:$port" --workers "$WEB_WORKERS" --timeout 60 \
      --graceful-timeout 20 --daemon --pid "$RUN/gunicorn-$port.pid" --control-socket "$RUN/gunicorn-$port.ctl" \
      --access-logfile "$LOG/gunicorn-$port.access.log" --error-logfile "$LOG/gunicorn-$port.log"
  done
  for port in "${WEB_PORTS[@]}"; do
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || die "gunicorn on :$port does not answer (see $LOG/gunicorn-$port.log)"
  done
}

# Celery runs under a small supervisor (as systemd's Restart=always or Docker's restart policy
# would): a worker that exits — e.g. Celery's "Unrecoverable error" when its broker connection
# drops while restoring unacknowledged messages — is started again. The pid file names the
# supervisor; TERM to it stops the child with a warm shutdown first.
supervise() {  # pidfile logfile command...
  local pidfile=$1 logfile=$2; shift 2
  setsid bash -c '
    logfile=$1; shift
    child=""
    trap '"'"'[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0'"'"' TERM INT
    while :; do
      setsid "$@" >> "$logfile" 2>&1 &
      child=$!
      wait "$child"; rc=$?
      echo "[supervisor $(date -Is)] $1 exited with $rc, starting it again" >> "$logfile"
      sleep 1
    done' supervise "$logfile" "$@" < /dev/null > /dev/null 2>&1 &
  echo $! > "$pidfile"
}

worker_up() {
  eval "$(stack_env)"
  # Lines the log had before this start (none on a fresh machine: no log yet).
  local since=0
  if [ -f "$LOG/worker.log" ]; then since=$(wc -l < "$LOG/worker.log"); fi
  local started=0
  if alive "$RUN/worker.pid"; then say "Celery worker already runs"; else
    started=1
    say "starting the Celery worker on redis://127.0.0.1:$REDIS_PORT/0 (supervised)"
    supervise "$RUN/worker.pid" "$LOG/worker.log" .venv/bin/celery -A portal worker --concurrency 2 \
      --loglevel INFO --hostname "misto-stack@%h"
  fi
  if alive "$RUN/beat.pid"; then say "Celery beat already runs"; else
    say "starting Celery beat (supervised)"
    supervise "$RUN/beat.pid" "$LOG/beat.log" .venv/bin/celery -A portal beat --loglevel INFO \
      --schedule "$STACK/celerybeat-schedule"
  fi
  [ "$started" -eq 1 ] || return 0
  # Loading Django takes seconds on a busy machine: wait for the worker to say it is ready.
  for _ in $(seq 1 240); do
    tail -n +"$((since + 1))" "$LOG/worker.log" 2>/dev/null | grep -q " ready\." && return
    sleep 0.25
  done
  die "the Celery worker did not start within 60 s (see $LOG/worker.log)"
}

nginx_up() {
  local upstream=""
  for port in "${WEB_PORTS[@]}"; do upstream+="server 127.0.0.1:$port max_fails=0; "; done
  NGINX_DIR=$STACK/nginx NGINX_LISTEN=127.0.0.1:$NGINX_PORT UPSTREAM_SERVERS=$upstream \
  STATIC_ROOT=$STACK/static MEDIA_ROOT=$STACK/media TILE_CACHE_SECONDS=${MISTO_STACK_TILE_CACHE_SECONDS:-2} \
    envsubst '${NGINX_DIR} ${NGINX_LISTEN} ${UPSTREAM_SERVERS} ${STATIC_ROOT} ${MEDIA_ROOT} ${TILE_CACHE_SECONDS}' \
    < deploy/nginx.conf.template > "$STACK/nginx/nginx.conf"
  nginx -t -q -c "$STACK/nginx/nginx.conf" -p "$STACK/nginx" 2>&1 | grep -v "could not open error log" || true
  if alive "$STACK/nginx/nginx.pid"; then
    say "nginx already listens on 127.0.0.1:$NGINX_PORT (configuration reloaded)"
    nginx -c "$STACK/nginx/nginx.conf" -p "$STACK/nginx" -s reload
  else
    say "starting nginx on http://127.0.0.1:$NGINX_PORT/"
    nginx -c "$STACK/nginx/nginx.conf" -p "$STACK/nginx"
  fi
}

stop_pidfile() {  # pidfile name
  if alive "$1"; then
    say "stopping $2"
    local pid; pid=$(head -n 1 "$1")
    kill -TERM "$pid"
    for _ in $(seq 1 80); do running "$pid" || break; sleep 0.25; done
    if running "$pid"; then kill -KILL "$pid"; fi
  fi
  rm -f "$1"
}

pg_stop() {  # datadir name
  if [ -f "$1/PG_VERSION" ] && pg_running "$1"; then
    say "stopping PostgreSQL $2"
    as_pg "$PG_BIN/pg_ctl" -D "$1" -m fast -w stop >/dev/null
  fi
}

start() {
  command -v nginx >/dev/null && command -v redis-server >/dev/null && command -v envsubst >/dev/null \
    || scripts/setup.sh --stack
  prepare_dirs
  export STACK_REDIS=$STACK/redis RUN LOG REDIS_PORT
  primary_up
  redis_up
  portal_prepare
  replica_up
  web_up
  worker_up
  nginx_up
  say "the stack serves http://127.0.0.1:$NGINX_PORT/  (stop: make stack-stop; logs: $LOG)"
}

stop() {
  stop_pidfile "$STACK/nginx/nginx.pid" nginx
  for port in "${WEB_PORTS[@]}"; do stop_pidfile "$RUN/gunicorn-$port.pid" "gunicorn :$port"; done
  stop_pidfile "$RUN/beat.pid" "Celery beat"
  stop_pidfile "$RUN/worker.pid" "Celery worker"
  stop_pidfile "$RUN/redis.pid" "Redis :$REDIS_PORT"
  pg_stop "$STACK/pg/replica" replica
  pg_stop "$STACK/pg/primary" primary
  say "stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  env) stack_env ;;
  status)
    for f in "$STACK/nginx/nginx.pid" "$RUN"/*.pid; do [ -f "$f" ] && { alive "$f" && echo "up   $(basename "$f" .pid)" || echo "down $(basename "$f" .pid)"; }; done
    for n in primary replica; do pg_running "$STACK/pg/$n" && echo "up   postgres-$n" || echo "down postgres-$n"; done ;;
  restart-worker) stop_pidfile "$RUN/worker.pid" "Celery worker"; worker_up ;;
  restart-web)  # e.g. MISTO_STACK_WORKERS=4 MISTO_STACK_REPLICA=0 scripts/stack.sh restart-web
    for port in "${WEB_PORTS[@]}"; do stop_pidfile "$RUN/gunicorn-$port.pid" "gunicorn :$port"; done; web_up ;;
  stop-worker) stop_pidfile "$RUN/worker.pid" "Celery worker (warm shutdown: running tasks finish, queued ones stay)" ;;
  start-worker) worker_up ;;
  kill-worker)  # SIGKILL to the worker and its pool (not to the supervisor, which restarts it)
    # Right after a Redis restart the worker may itself be restarting: wait for the supervisor's
    # Celery child (not its pause between restarts) before killing it.
    sup=$(head -n 1 "$RUN/worker.pid"); child=""
    for _ in $(seq 1 120); do
      child=$(pgrep -P "$sup" -f "celery" | head -n 1 || true)
      [ -n "$child" ] && break
      sleep 0.25
    done
    [ -n "$child" ] || die "no Celery worker runs under its supervisor (pid $sup)"
    say "killing the Celery worker (SIGKILL, process group $child)"
    kill -KILL -- "-$child" ;;
  restart-redis)
    export STACK_REDIS=$STACK/redis RUN LOG REDIS_PORT
    stop_pidfile "$RUN/redis.pid" "Redis :$REDIS_PORT"; redis_up ;;
  stop-replica) pg_stop "$STACK/pg/replica" replica ;;
  start-replica) pg_start "$STACK/pg/replica" "$PG_REPLICA_PORT" replica ;;
  *) die "usage: scripts/stack.sh [start|stop|status|env|restart-worker|restart-redis|stop-replica|start-replica]" ;;
esac
