#!/usr/bin/env bash
# `make backup`: the database (pg_dump, custom format) and the media files into
# backups/<UTC timestamp>/. `make restore BACKUP=backups/<timestamp> [TARGET=name]`: into a fresh
# database (created here; an existing one is refused) and MEDIA_ROOT (RESTORE_MEDIA_ROOT).
#
#   scripts/backup.sh backup [dir]            BACKUP_ROOT=backups by default
#   scripts/backup.sh restore <dir> [dbname]  dbname defaults to <source>_restored_<timestamp>
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1;34m[backup]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[backup] %s\033[0m\n' "$*" >&2; exit 1; }

DATABASE_URL=${DATABASE_URL:-postgis://misto:misto@127.0.0.1:5432/misto}
MEDIA_ROOT=${MEDIA_ROOT:-$PWD/media}
url() { python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print({'host':p.hostname or '127.0.0.1','port':p.port or 5432,'user':u.unquote(p.username or ''),'password':u.unquote(p.password or ''),'name':p.path.lstrip('/')}[sys.argv[2]])" "$DATABASE_URL" "$1"; }
export PGHOST=$(url host) PGPORT=$(url port) PGUSER=$(url user) PGPASSWORD=$(url password)
DB_NAME=$(url name)

backup() {
  local dir=${1:-${BACKUP_ROOT:-backups}/$(date -u +%Y%m%dT%H%M%SZ)}
  mkdir -p "$dir"
  say "dumping database $DB_NAME ($PGHOST:$PGPORT) into $dir/database.dump"
  pg_dump -Fc --no-owner -d "$DB_NAME" -f "$dir/database.dump"
  say "archiving media ($MEDIA_ROOT) into $dir/media.tar.gz"
  if [ -d "$MEDIA_ROOT" ]; then tar -czf "$dir/media.tar.gz" -C "$MEDIA_ROOT" .
  else tar -czf "$dir/media.tar.gz" --files-from /dev/null; fi
  printf '{"database": "%s", "created_at": "%s", "media_root": "%s"}\n' \
    "$DB_NAME" "$(date -u +%FT%TZ)" "$MEDIA_ROOT" > "$dir/manifest.json"
  say "backup complete: $dir"
  echo "$dir"
}

restore() {
  local dir=${1:-}
  [ -n "$dir" ] && [ -f "$dir/database.dump" ] || die "usage: make restore BACKUP=backups/<timestamp> (no database.dump in '${dir}')"
  local target=${2:-${DB_NAME}_restored_$(date -u +%Y%m%d%H%M%S)}
  [[ "$target" =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name '$target': lower-case letters, digits and _ only"
  if psql -X -tAc "select 1 from pg_database where datname = '$target'" -d postgres | grep -q 1; then
    die "database $target exists; restore goes into a fresh database (choose another TARGET)"
  fi
  say "creating database $target and restoring $dir/database.dump"
  createdb "$target"
  pg_restore --no-owner --exit-on-error -d "$target" "$dir/database.dump"
  local media=${RESTORE_MEDIA_ROOT:-$MEDIA_ROOT}
  mkdir -p "$media"
  say "unpacking media into $media"
  tar -xzf "$dir/media.tar.gz" -C "$media"
  say "restored: DATABASE_URL=postgis://$PGUSER:***@$PGHOST:$PGPORT/$target MEDIA_ROOT=$media"
  echo "$target"
}

case "${1:-}" in
  backup) shift; backup "$@" ;;
  restore) shift; restore "$@" ;;
  *) die "usage: scripts/backup.sh backup [dir] | restore <dir> [dbname]" ;;
esac
