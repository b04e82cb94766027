#!/usr/bin/env bash
# Times every API call behind a developer-console page against a release `auth-return serve`
# seeded with 1,000 apps, a pool of 100,000 users and 100,000 events (seeding takes a minute or
# two: each app gets its own RSA key). Usage: bench/console.sh [APPS] [USERS] [ROUNDS].
# Prints p50 / p99 / max per call beside the 100 ms target, and fails when a p99 misses it.
# AUTH_RETURN_BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL (a fresh database).
set -euo pipefail
cd "$(dirname "$0")/.."
apps=${1:-1000}
users=${2:-100000}
rounds=${3:-50}
cargo build --release -q -p auth-return -p auth-return-bench
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
database=${AUTH_RETURN_BENCH_DATABASE_URL:-sqlite://$data/auth-return.db}
AUTH_RETURN_LOG=warn target/release/auth-return serve --listen "127.0.0.1:$port" --data-dir "$data" \
  --database-url "$database" \
  --rate-limit-sign-in 0 --rate-limit-sign-up 0 --rate-limit-refresh 0 --rate-limit-key-verify 0 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
load() {
  target/release/auth-return-load --url "http://127.0.0.1:$port" --app-id console \
    --outbox "$data/outbox.jsonl" --mode console --database-url "$database" \
    --apps "$apps" --users "$users" --rounds "$rounds" "$@"
}
load --console-step seed
# A bulk load is measured as it runs once autovacuum has analysed it: plans that PostgreSQL
# cached while the table was empty would otherwise read the whole pool.
if [[ "$database" == postgres* ]]; then psql -q "$database" -c ANALYZE; fi
load --console-step measure
echo "RSS: $(awk '/VmRSS/{print $2, $3}' /proc/$pid/status) (peak $(awk '/VmHWM/{print $2, $3}' /proc/$pid/status))"
