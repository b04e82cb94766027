#!/usr/bin/env bash
# Stops the throwaway cluster started by tests/pg/start.sh:   tests/pg/stop.sh [DIR] [--purge]
# With --purge the cluster's directory is removed as well.
set -euo pipefail

DIR="${1:-/tmp/auth-return-pg}"
DATA="$DIR/data"
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
[[ -n "$BIN" ]] || { echo "pg/stop: PostgreSQL is not installed" >&2; exit 1; }

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [[ -f "$DATA/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
else
    echo "pg/stop: no cluster running in $DATA" >&2
fi
if [[ "${2:-}" == "--purge" ]]; then
    rm -rf "$DIR"
fi
