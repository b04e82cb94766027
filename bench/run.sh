#!/usr/bin/env bash
# Measures full SRP sign-ins (plain, by redirect, with an authenticator code), passkey sign-ins,
# refreshes and API-key verifications against a release `auth-return serve` on loopback
# (per-address rate limits off: all load comes from one address).
# Usage: bench/run.sh [COUNT] [CONCURRENCY]. Prints throughput, latency and the server's CPU ms
# per operation (the load generator shares the machine; the CPU figure is the server's own)
# beside the floor, and the CPU the server's crypto pool used per operation (from its metrics).
# Key verification runs COUNT*50 requests at 32 connections over 1,000 distinct keys, and again
# with wrk (Debian's package) for 10 s when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-400}
concurrency=${2:-8}
cargo build --release -q -p auth-return -p auth-return-bench
data=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
metrics_port=$(free_port)
bin=target/release/auth-return
AUTH_RETURN_LOG=warn "$bin" serve --listen "127.0.0.1:$port" --data-dir "$data" \
  --metrics-listen "127.0.0.1:$metrics_port" \
  --rate-limit-sign-in 0 --rate-limit-sign-up 0 --rate-limit-refresh 0 --rate-limit-key-verify 0 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
app=$("$bin" apps create --name Bench --json --listen "127.0.0.1:$port" --data-dir "$data" 2>/dev/null \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["app_id"])')
# The verify workload has users create their own keys: an app opts in to that. The code flow
# signs in by redirect to a registered callback.
"$bin" apps update "$app" \
  --patch '{"user_api_keys": {"enabled": true}, "oauth": {"callback_urls": ["http://127.0.0.1:9/callback"]}}' \
  --listen "127.0.0.1:$port" --data-dir "$data" >/dev/null
# Sign-ins with an authenticator app are measured in an app of their own with MFA OPTIONAL, so
# that the plain sign-ins above are of an app without MFA.
mfa_app=$("$bin" apps create --name "Bench MFA" --json --listen "127.0.0.1:$port" --data-dir "$data" 2>/dev/null \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["app_id"])')
"$bin" apps update "$mfa_app" --mfa OPTIONAL --listen "127.0.0.1:$port" --data-dir "$data" >/dev/null
# Passkey sign-ins too: relying party localhost (browsers refuse an address), ceremonies from
# the origin the load generator's software passkeys claim.
passkey_app=$("$bin" apps create --name "Bench passkeys" --json --listen "127.0.0.1:$port" --data-dir "$data" 2>/dev/null \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["app_id"])')
"$bin" apps update "$passkey_app" --passkeys true --passkey-rp-id localhost --passkey-origin http://localhost:5173 \
  --listen "127.0.0.1:$port" --data-dir "$data" >/dev/null
echo "idle RSS: $(awk '/VmRSS/{print $2, $3}' /proc/$pid/status)"
for mode in signin code-flow totp passkey refresh; do
  mode_app=$app
  if [[ $mode == totp ]]; then mode_app=$mfa_app; fi
  if [[ $mode == passkey ]]; then mode_app=$passkey_app; fi
  # A refresh is a sixth of a sign-in's CPU: five times as many keep /proc's 10 ms ticks small.
  mode_count=$count
  if [[ $mode == refresh ]]; then mode_count=$((count * 5)); fi
  target/release/auth-return-load --url "http://127.0.0.1:$port" --app-id "$mode_app" --outbox "$data/outbox.jsonl" \
    --mode "$mode" --count "$mode_count" --concurrency "$concurrency" --server-pid "$pid" \
    --metrics-url "http://127.0.0.1:$metrics_port"
done
target/release/auth-return-load --url "http://127.0.0.1:$port" --app-id "$app" --outbox "$data/outbox.jsonl" \
  --mode verify --keys 1000 --keys-out "$data/keys.txt" --count $((count * 50)) --concurrency 32 --server-pid "$pid" \
  --metrics-url "http://127.0.0.1:$metrics_port"
if command -v wrk >/dev/null; then
  ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
  before=$(ticks)
  out=$(KEYS_FILE="$data/keys.txt" wrk -t1 -c32 -d10s --latency -s bench/wrk/verify.lua "http://127.0.0.1:$port")
  after=$(ticks)
  echo "$out" | grep -E "Requests/sec|99%"
  requests=$(echo "$out" | awk '/requests in/{print $1}')
  echo "wrk verify: server_cpu_us_per_op=$(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests ))"
fi
echo "RSS after load: $(awk '/VmRSS/{print $2, $3}' /proc/$pid/status) (peak $(awk '/VmHWM/{print $2, $3}' /proc/$pid/status))"
