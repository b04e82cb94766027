#!/usr/bin/env bash
# Scale: the same calls on a small database and on a large one, side by side in one run.
# Starts two release `auth-return serve` on loopback, each on a database of its own, and makes
# the measured app on each through the REST API (a developer of the console app signs up).
# Seeds the small one's pool to 10,000 users (so that every probe fills its pages there too);
# grows the large one's pool to USERS users and adds APPS apps through the store (KEYED of them
# with a signing key of their own, sealed to their pool, whose JWKS is then fetched once so the
# server loads their keys: more pools than its key cache holds). Then measures both, taking
# turns: full SRP sign-ins and refreshes (throughput and the server's CPU per operation beside
# the floor; in four parts, one server's after the other's), then ListUsers filters and their
# second pages and app creation through REST, call by call on one server then the other, so
# that the machine's slow spells fall on both alike.
# Prints the database's size per user, the servers' memory, and a table of every figure, small
# against large.
# Usage: bench/scale.sh [USERS] [APPS] [SIGN_INS] [KEYED]   (default 1000000 10000 400 3000;
# each keyed app costs an RSA key generation, about 40 ms of a core)
# AUTH_RETURN_BENCH_DATABASE_URL=postgres://…/NAME runs it on PostgreSQL: NAME (which must be
# fresh) holds the large database, NAME_small (dropped and made again) the small one.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-1000000}
apps=${2:-10000}
count=${3:-400}
keyed=${4:-3000}
small=10000
cargo build --release -q -p auth-return -p auth-return-bench
data=$(mktemp -d)
mkdir -m 700 "$data/small" "$data/large"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A database url pid app
if [[ -n "${AUTH_RETURN_BENCH_DATABASE_URL:-}" ]]; then
  database[large]=$AUTH_RETURN_BENCH_DATABASE_URL
  database[small]=${AUTH_RETURN_BENCH_DATABASE_URL}_small
  small_name=${database[small]##*/}
  psql -q "${database[large]}" -c "DROP DATABASE IF EXISTS $small_name" -c "CREATE DATABASE $small_name"
else
  database[large]=sqlite://$data/large/auth-return.db
  database[small]=sqlite://$data/small/auth-return.db
fi
# The seeding step seals each new pool's key under the servers' master key.
AUTH_RETURN_MASTER_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export AUTH_RETURN_MASTER_KEY
stop() {
  for side in small large; do
    if [[ -n "${pid[$side]:-}" ]]; then kill "${pid[$side]}" 2>/dev/null; wait "${pid[$side]}" 2>/dev/null; fi
  done
  rm -rf "$data"
}
trap stop EXIT
for side in small large; do
  port=$(free_port)
  url[$side]=http://127.0.0.1:$port
  AUTH_RETURN_LOG=warn target/release/auth-return serve --listen "127.0.0.1:$port" --data-dir "$data/$side" \
    --database-url "${database[$side]}" \
    --rate-limit-sign-in 0 --rate-limit-sign-up 0 --rate-limit-refresh 0 --rate-limit-key-verify 0 &
  pid[$side]=$!
  for _ in $(seq 100); do curl -fs "${url[$side]}/healthz" >/dev/null && break; sleep 0.1; done
done
# load SIDE ARGS…: the load generator against one server.
load() {
  local side=$1
  shift
  target/release/auth-return-load --url "${url[$side]}" --outbox "$data/$side/outbox.jsonl" \
    --server-pid "${pid[$side]}" "$@"
}
scale() { local side=$1; shift; load "$side" --app-id console --mode scale --database-url "${database[$side]}" "$@"; }
size() {
  if [[ "${database[$1]}" == postgres* ]]; then
    psql -Atq "${database[$1]}" -c "SELECT pg_database_size(current_database())"
  else
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("pragma page_count").fetchone()[0]*c.execute("pragma page_size").fetchone()[0])' "$data/$1/auth-return.db"
  fi
}
rss() { awk '/VmRSS/{print $2, $3}' "/proc/${pid[$1]}/status"; }
for side in small large; do
  app[$side]=$(scale "$side" --scale-step setup | sed -n 's/^app_id=//p')
  scale "$side" --scale-step seed --scale-app "${app[$side]}" --users "$small" --apps 0
done
before=$(size large)
scale large --scale-step seed --scale-app "${app[large]}" --users "$users" --apps 0
after=$(size large)
echo "database: $(( (after - before) / (users - small) )) bytes per user ($before -> $after bytes)"
scale large --scale-step seed --scale-app "${app[large]}" --users "$users" --apps "$apps" --keyed-apps "$keyed"
echo "database with $apps more apps: $(size large) bytes"
# A bulk load is measured as it runs once autovacuum has been through it (since PostgreSQL 13
# it vacuums and analyses tables that only grew).
if [[ "${database[large]}" == postgres* ]]; then
  for side in small large; do psql -q "${database[$side]}" -c "VACUUM (ANALYZE)"; done
fi
# Sign-ins and refreshes in four parts, the servers taking turns part by part.
for mode in signin refresh; do
  mode_count=$((count / 4))
  if [[ $mode == refresh ]]; then mode_count=$((count * 5 / 4)); fi
  for part in 1 2 3 4; do
    for side in small large; do
      echo "== $side: $mode, part $part of 4"
      load "$side" --app-id "${app[$side]}" --mode "$mode" --count "$mode_count" --concurrency 4 \
        | tee -a "$data/$side.$mode"
    done
  done
done
echo "== ListUsers and app creation, on both in turn"
scale large --scale-step measure --scale-app "${app[large]}" --results "$data/large.json" \
  --paired-url "${url[small]}" --paired-app "${app[small]}" --paired-results "$data/small.json" \
  --paired-server-pid "${pid[small]}" --rounds 200 --creations 100
echo "server RSS: small $(rss small), large $(rss large)"
python3 bench/scale_table.py "$data" "$small" "$users"
