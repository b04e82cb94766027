#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the store conformance suite and prints its URL.
#
#   tests/pg/start.sh [DIR] [PORT]     DIR defaults to /tmp/auth-return-pg, PORT to 55432
#   url=$(tests/pg/start.sh /tmp/pg | tail -n1)
#   AUTH_RETURN_TEST_POSTGRES_URL=$url cargo test -p auth-return-store
#   tests/pg/stop.sh /tmp/pg
#
# Installs Debian's postgresql package when no server binaries exist. The cluster belongs to
# the `postgres` user when run as root (initdb refuses root), listens on 127.0.0.1 only with
# trust authentication, and is reused if DIR already holds one. Progress goes to stderr; the
# last line on stdout is the URL. DIR's parents must be traversable by the `postgres` user.
set -euo pipefail

DIR="${1:-/tmp/auth-return-pg}"
PORT="${2:-${AUTH_RETURN_PG_PORT:-55432}}"
DB="${AUTH_RETURN_PG_DB:-auth_return}"
SUPERUSER=postgres

log() { echo "pg/start: $*" >&2; }

find_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
        echo "$dir"
    fi
}

BIN=$(find_bin)
if [[ -z "$BIN" ]]; then
    log "installing PostgreSQL (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y postgresql >&2
    BIN=$(find_bin)
    [[ -n "$BIN" ]] || { log "no initdb/pg_ctl after install"; exit 1; }
fi
log "using $BIN"

# Run a PostgreSQL binary as the cluster owner.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
DATA="$DIR/data"
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || { log "no postgres user (install the postgresql package)"; exit 1; }
    chown postgres: "$DIR"
    chmod 700 "$DIR"
fi

if [[ ! -f "$DATA/PG_VERSION" ]]; then
    log "initdb $DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U "$SUPERUSER" -A trust -E UTF8 --locale=C --no-sync >&2
fi

if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    PORT=$(sed -n 4p "$DATA/postmaster.pid")
    log "already running on port $PORT"
else
    for _ in $(seq 1 20); do
        port_busy "$PORT" || break
        log "port $PORT is taken, trying $((PORT + 1))"
        PORT=$((PORT + 1))
    done
    port_busy "$PORT" && { log "no spare port found"; exit 1; }
    log "starting on 127.0.0.1:$PORT"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='$DIR' -c fsync=off -c max_connections=200" \
        start >&2
fi

for _ in $(seq 1 60); do
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
    sleep 0.5
done
"$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" >&2

PSQL=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -d postgres -v ON_ERROR_STOP=1 -tA)
if [[ -z $("${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
    log "creating database $DB"
    "${PSQL[@]}" -c "CREATE DATABASE \"$DB\"" >&2
fi

echo "postgres://$SUPERUSER@127.0.0.1:$PORT/$DB"
