#!/usr/bin/env bash
# Scale: the same calls on a small database and on a large one, side by side in one run.
# Starts a release `auth-return serve` on loopback, makes the measured app through the REST API
# (a developer of the console app signs up), seeds its pool to 5,000 users and measures (small),
# then grows the pool to USERS users and adds APPS apps through the store (KEYED of them with a
# signing key of their own, sealed to their pool, whose JWKS is then fetched once so the server
# loads its keys: more pools than its key cache holds) and measures again (large). Measured each time: full SRP sign-ins and refreshes (throughput and the
# server's CPU per operation beside the floor), ListUsers filters and their second pages, and app
# creation through REST. Prints the database's size per user, the server's memory, and a table
# of every figure, small against large.
# Usage: bench/scale.sh [USERS] [APPS] [SIGN_INS] [KEYED]   (default 1000000 10000 400 3000;
# each keyed app costs an RSA key generation, about 40 ms of a core)
# AUTH_RETURN_BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL (a fresh database).
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-1000000}
apps=${2:-10000}
count=${3:-400}
keyed=${4:-3000}
small=5000
cargo build --release -q -p auth-return -p auth-return-bench
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
database=${AUTH_RETURN_BENCH_DATABASE_URL:-sqlite://$data/auth-return.db}
# The seeding step seals each new pool's key under the server's master key.
AUTH_RETURN_MASTER_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export AUTH_RETURN_MASTER_KEY
AUTH_RETURN_LOG=warn target/release/auth-return serve --listen "127.0.0.1:$port" --data-dir "$data" \
  --database-url "$database" \
  --rate-limit-sign-in 0 --rate-limit-sign-up 0 --rate-limit-refresh 0 --rate-limit-key-verify 0 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
load() {
  target/release/auth-return-load --url "http://127.0.0.1:$port" --outbox "$data/outbox.jsonl" \
    --server-pid "$pid" "$@"
}
scale() { load --app-id console --mode scale --database-url "$database" "$@"; }
size() {
  if [[ "$database" == postgres* ]]; then
    psql -Atq "$database" -c "SELECT pg_database_size(current_database())"
  else
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("pragma page_count").fetchone()[0]*c.execute("pragma page_size").fetchone()[0])' "$data/auth-return.db"
  fi
}
phase() {
  # A bulk load is measured as it runs once autovacuum has analysed it.
  if [[ "$database" == postgres* ]]; then psql -q "$database" -c ANALYZE; fi
  echo "== $1: sign-in"
  load --app-id "$app" --mode signin --count "$count" --concurrency 4 | tee "$data/$1.signin"
  echo "== $1: refresh"
  load --app-id "$app" --mode refresh --count $((count * 5)) --concurrency 4 | tee "$data/$1.refresh"
  echo "== $1: ListUsers and app creation"
  scale --scale-step measure --scale-app "$app" --rounds 200 --creations 40 --results "$data/$1.json"
  echo "server RSS: $(awk '/VmRSS/{print $2, $3}' /proc/$pid/status)"
}
app=$(scale --scale-step setup | sed -n 's/^app_id=//p')
scale --scale-step seed --scale-app "$app" --users "$small" --apps 0
phase small
before=$(size)
scale --scale-step seed --scale-app "$app" --users "$users" --apps 0
after=$(size)
echo "database: $(( (after - before) / (users - small) )) bytes per user ($before -> $after bytes)"
scale --scale-step seed --scale-app "$app" --users "$users" --apps "$apps" --keyed-apps "$keyed"
echo "database with $apps more apps: $(size) bytes"
phase large
python3 bench/scale_table.py "$data" "$small" "$users"
