#!/usr/bin/env bash
# Measures full SRP sign-ins and refreshes against a release `auth-return serve` on loopback.
# Usage: bench/run.sh [COUNT] [CONCURRENCY]. Prints throughput, latency and the server's CPU ms
# per operation (the load generator shares the machine; the CPU figure is the server's own).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-400}
concurrency=${2:-8}
cargo build --release -q -p auth-return -p auth-return-bench
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bin=target/release/auth-return
AUTH_RETURN_LOG=warn "$bin" serve --listen "127.0.0.1:$port" --data-dir "$data" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
app=$("$bin" apps create --name Bench --json --listen "127.0.0.1:$port" --data-dir "$data" 2>/dev/null \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["app_id"])')
echo "idle RSS: $(awk '/VmRSS/{print $2, $3}' /proc/$pid/status)"
for mode in signin refresh; do
  target/release/auth-return-load --url "http://127.0.0.1:$port" --app-id "$app" --outbox "$data/outbox.jsonl" \
    --mode "$mode" --count "$count" --concurrency "$concurrency" --server-pid "$pid"
done
echo "RSS after load: $(awk '/VmRSS/{print $2, $3}' /proc/$pid/status) (peak $(awk '/VmHWM/{print $2, $3}' /proc/$pid/status))"
