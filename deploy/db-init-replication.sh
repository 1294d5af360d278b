#!/bin/bash
# docker-compose: the primary lets the replica stream from it (run once, on an empty volume,
# from /docker-entrypoint-initdb.d/). `make stack` does the same for its own clusters.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -c "create role replicator with replication login password '${REPLICATION_PASSWORD:-replicator}'"
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
