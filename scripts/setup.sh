#!/usr/bin/env bash
# Prepare this machine for Misto: system packages, a running PostgreSQL with PostGIS,
# the `misto` database, the Python environment and the vendored front-end assets.
# Idempotent: every step checks first and says what it does. Called by `make run` and `make test`.
#
#   scripts/setup.sh            everything `make run` needs
#   scripts/setup.sh --test     also what the test suite needs (Chromium for browser tests)
#   scripts/setup.sh --bench    also what `make bench` needs (wrk, pgbench)
#   scripts/setup.sh --stack    also what `make stack` needs (nginx)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

WANT_TEST=0
WANT_BENCH=0
WANT_STACK=0
for arg in "$@"; do
  case "$arg" in
    --test) WANT_TEST=1 ;;
    --bench) WANT_BENCH=1 ;;
    --stack) WANT_STACK=1 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo when it needs no password.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
  else return 1
  fi
}

# --- 1. Debian packages ------------------------------------------------------------------
APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and this is not a Debian/Ubuntu system (no apt-get); install them by hand"
  say "installing Debian packages: ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      || die "cannot run apt-get as root (not root and no password-less sudo); install ${missing[*]} by hand"
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get could not install ${missing[*]}"
}

# PostgreSQL itself: keep the installed major version, or take the distribution's default.
if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt_install postgresql postgresql-contrib
fi
PG_VERSION=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
[ -n "$PG_VERSION" ] || die "PostgreSQL did not install (no /usr/lib/postgresql/<version>)"

# fonts-dejavu-core: the housing registry's PDF reports need a font with Cyrillic letters, and the
# basemap's labels are rendered from it (manage.py basemap_glyphs, below).
PACKAGES=("postgresql-$PG_VERSION-postgis-3" "postgresql-$PG_VERSION-pgrouting" gdal-bin libgdal-dev fonts-dejavu-core)
# Tools that may come from elsewhere than Debian (e.g. Node.js from NodeSource): by command.
command -v msgfmt >/dev/null 2>&1 || PACKAGES+=(gettext)
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
python3 -c 'import ensurepip' 2>/dev/null || PACKAGES+=(python3-venv)
[ "$WANT_TEST" -eq 1 ] && PACKAGES+=(chromium poppler-utils)
[ "$WANT_BENCH" -eq 1 ] && PACKAGES+=(wrk chromium "postgresql-client-$PG_VERSION")
# bench/basemap_engines.py: the raster engine the basemap was measured against (Debian's Python).
[ "$WANT_BENCH" -eq 1 ] && PACKAGES+=(python3-mapnik python3-psycopg2)
# Redis: the Celery broker of `make run` (a worker and beat instead of a thread in the server).
command -v redis-server >/dev/null 2>&1 || PACKAGES+=(redis-server)
[ "$WANT_STACK" -eq 1 ] && ! command -v nginx >/dev/null 2>&1 && PACKAGES+=(nginx)
apt_install "${PACKAGES[@]}"
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  say "starting Redis on 127.0.0.1:6379"
  as_root service redis-server start >/dev/null 2>&1 \
    || redis-server --bind 127.0.0.1 --port 6379 --daemonize yes >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.25; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && say "Redis answers on 127.0.0.1:6379" \
  || say "Redis does not answer: background work will run in a thread of the server"
say "system packages present (PostgreSQL $PG_VERSION, PostGIS, pgRouting, GDAL $(gdal-config --version 2>/dev/null || echo '?'))"

# --- 2. A running PostgreSQL cluster ------------------------------------------------------
# Only when the database is local: a DATABASE_URL pointing elsewhere is the operator's business.
DATABASE_URL=${DATABASE_URL:-postgis://misto:misto@127.0.0.1:5432/misto}
DB_HOST=$(python3 -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).hostname or '127.0.0.1')" "$DATABASE_URL")
DB_PORT=$(python3 -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).port or 5432)" "$DATABASE_URL")
DB_USER=$(python3 -c "import sys,urllib.parse as u; print(u.unquote(u.urlparse(sys.argv[1]).username or 'misto'))" "$DATABASE_URL")
DB_PASS=$(python3 -c "import sys,urllib.parse as u; print(u.unquote(u.urlparse(sys.argv[1]).password or ''))" "$DATABASE_URL")
DB_NAME=$(python3 -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).path.lstrip('/') or 'misto')" "$DATABASE_URL")

case "$DB_HOST" in
  127.0.0.1|localhost|::1)
    if ! pg_lsclusters -h 2>/dev/null | awk '{print $1}' | grep -qx "$PG_VERSION"; then
      say "creating PostgreSQL $PG_VERSION cluster 'main'"
      as_root pg_createcluster "$PG_VERSION" main >/dev/null || die "could not create a PostgreSQL cluster (needs root)"
    fi
    while read -r ver name port status _; do
      if [ "$status" != "online" ]; then
        say "starting PostgreSQL cluster $ver/$name (port $port)"
        as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start \
          || die "PostgreSQL cluster $ver/$name is stopped and could not be started (needs root)"
      fi
    done < <(pg_lsclusters -h)
    ;;
esac

# Wait until the server answers (a just-started cluster needs a moment).
for _ in $(seq 1 30); do
  pg_isready -q -h "$DB_HOST" -p "$DB_PORT" && break
  sleep 1
done
pg_isready -q -h "$DB_HOST" -p "$DB_PORT" || die "PostgreSQL does not answer on $DB_HOST:$DB_PORT"

# --- 3. Role, database, PostGIS -----------------------------------------------------------
# As a PostgreSQL superuser: over TCP when the server trusts us, otherwise as the postgres OS user.
pg_super() {
  if psql -X -w -q -h "$DB_HOST" -p "$DB_PORT" -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then
    psql -X -w -q -v ON_ERROR_STOP=1 -h "$DB_HOST" -p "$DB_PORT" -U postgres "$@"
  elif [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$DB_PORT" "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n -u postgres true 2>/dev/null; then
    sudo -n -u postgres psql -X -q -v ON_ERROR_STOP=1 -p "$DB_PORT" "$@"
  else
    return 1
  fi
}

app_psql() {
  PGPASSWORD="$DB_PASS" PGOPTIONS="-c client_min_messages=warning" \
    psql -X -w -q -v ON_ERROR_STOP=1 -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$@"
}

if ! app_psql -d "$DB_NAME" -c 'select 1' >/dev/null 2>&1; then
  say "creating PostgreSQL role '$DB_USER' and database '$DB_NAME'"
  # The role creates test databases with PostGIS, which needs superuser rights: this is a
  # local development role; production uses its own DATABASE_URL.
  pg_super -d postgres -tAc "select 1 from pg_roles where rolname = '$DB_USER'" | grep -q 1 \
    || pg_super -d postgres -c "create role \"$DB_USER\" login superuser password '$DB_PASS'" \
    || die "cannot create role $DB_USER: no PostgreSQL superuser access (set DATABASE_URL to a database you own)"
  pg_super -d postgres -tAc "select 1 from pg_database where datname = '$DB_NAME'" | grep -q 1 \
    || pg_super -d postgres -c "create database \"$DB_NAME\" owner \"$DB_USER\"" \
    || die "cannot create database $DB_NAME"
fi
app_psql -d "$DB_NAME" -c 'create extension if not exists postgis' >/dev/null \
  || die "cannot enable PostGIS in $DB_NAME (is postgresql-$PG_VERSION-postgis-3 installed?)"
app_psql -d "$DB_NAME" -c 'create extension if not exists pgrouting' >/dev/null \
  || die "cannot enable pgRouting in $DB_NAME (is postgresql-$PG_VERSION-pgrouting installed?)"
# Search as people type it (city migration 0002): accents and typos (both ship with PostgreSQL).
app_psql -d "$DB_NAME" -c 'create extension if not exists unaccent; create extension if not exists pg_trgm' >/dev/null \
  || die "cannot enable unaccent and pg_trgm in $DB_NAME (postgresql-contrib)"
say "database $DB_NAME on $DB_HOST:$DB_PORT ready (PostGIS $(app_psql -d "$DB_NAME" -tAc 'select postgis_lib_version()'))"

# --- 4. Python environment ----------------------------------------------------------------
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
  || die "Python 3.11 is required ($("$PY" --version 2>&1) found); set PYTHON=/path/to/python3.11"
STAMP=.venv/.misto-installed
if [ ! -x .venv/bin/python ]; then
  say "creating the Python environment in .venv"
  "$PY" -m venv .venv || die "python3 -m venv failed (is python3-venv installed?)"
fi
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  say "installing pinned Python dependencies into .venv (pyproject.toml)"
  .venv/bin/pip install -q --disable-pip-version-check -e ".[dev]" 2> >(grep -v "is ignored: it is neither" >&2) \
    || die "pip could not install the dependencies from pyproject.toml"
  touch "$STAMP"
fi
say "Python environment ready ($(.venv/bin/python --version))"

# --- 5. Vendored front-end assets ---------------------------------------------------------
if [ ! -f static/vendor/.stamp ] || [ package-lock.json -nt static/vendor/.stamp ] \
   || [ scripts/vendor_assets.py -nt static/vendor/.stamp ]; then
  say "vendoring front-end assets from npm (package-lock.json) into static/vendor/"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null || die "npm ci failed"
  .venv/bin/python scripts/vendor_assets.py || die "copying vendored assets failed"
  touch static/vendor/.stamp
fi
say "front-end assets ready"

# --- 6. Translations ------------------------------------------------------------------------
# Compiled .mo files are build output (not committed); compiling all of them takes a second.
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0 \
  || die "compilemessages failed (is gettext installed?)"

# --- 7. The basemap's label glyphs ------------------------------------------------------------
# SDF glyphs of Latin, Cyrillic and punctuation from DejaVu Sans (once; other ranges on first use).
.venv/bin/python manage.py basemap_glyphs || die "rendering the basemap's glyphs failed (is fonts-dejavu-core installed?)"
say "done"
