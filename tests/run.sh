#!/usr/bin/env bash
# The project's one test command (CI runs it through .ci/run):
#   1. cargo build --workspace --all-targets --all-features
#   2. cargo test --workspace --all-features (with a PostgreSQL for the store tests, when tests/pg
#      exists, and a Cognito emulator for the provider-mode tests, when tests/cognito exists)
#   3. tests/fuzz/run.sh   (each cargo-fuzz target of fuzz/ built and run briefly, on stable)
#   4. tests/e2e/run.sh target/debug/auth-return   (real Cognito clients against a running server)
# Stops at the first failing step with a clear message and prints a one-line summary at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STEPS_DONE=()
LOG="$(mktemp)"

CURRENT_STEP=""
PG_STARTED=""
COGNITO_STARTED=""
TEST_ADDR_UNDO=""

say() { printf '\n==> %s\n' "$*"; }

finish() {
  local rc=$?
  # --- PostgreSQL (optional): stop what we started ------------------------------------------------
  if [[ -n "$PG_STARTED" && -x tests/pg/stop.sh ]]; then
    tests/pg/stop.sh || echo "tests/run.sh: warning: tests/pg/stop.sh failed" >&2
  fi
  # --- Cognito emulator (optional): stop what we started ---------------------------------------
  if [[ -n "$COGNITO_STARTED" && -x tests/cognito/stop.sh ]]; then
    tests/cognito/stop.sh || echo "tests/run.sh: warning: tests/cognito/stop.sh failed" >&2
  fi
  if [[ -n "$TEST_ADDR_UNDO" ]]; then
    $TEST_ADDR_UNDO 2>/dev/null || true
  fi
  if [[ $rc -ne 0 ]]; then
    echo
    echo "tests/run.sh: FAILED at step: ${CURRENT_STEP:-setup} (exit $rc); passed before it: ${STEPS_DONE[*]:-none}"
  else
    echo
    echo "tests/run.sh: all steps passed: ${STEPS_DONE[*]}"
    # One closing line over every runner: cargo test, pytest and node --test.
    awk '
      /^test result:/ { p += $4; f += $6; next }
      /^=* ?[0-9]+ (passed|failed).* in [0-9.]+s/ {
        for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i }
      }
      /^# pass / { p += $3 }
      /^# fail / { f += $3 }
      END { printf "total: %d passed, %d failed\n", p, f }
    ' "$LOG"
  fi
  rm -f "$LOG"
  exit $rc
}
trap finish EXIT

step() {
  CURRENT_STEP="$1"
  shift
  say "$CURRENT_STEP"
  local started=$SECONDS
  "$@" 2>&1 | tee -a "$LOG"
  STEPS_DONE+=("$CURRENT_STEP ($((SECONDS - started))s)")
}

step "cargo build" cargo build --workspace --all-targets --all-features

# --- PostgreSQL step (owned by the storage work) ---------------------------------------------------
# If tests/pg/start.sh exists it must start a throw-away PostgreSQL and print its connection URL
# on the last line of stdout; cargo test then sees it as AUTH_RETURN_TEST_POSTGRES_URL.
# tests/pg/stop.sh (if present) is run on exit. Without tests/pg/start.sh the PostgreSQL tests
# are left to skip themselves.
if [[ -x tests/pg/start.sh && -z "${AUTH_RETURN_TEST_POSTGRES_URL:-}" ]]; then
  CURRENT_STEP="start PostgreSQL (tests/pg/start.sh)"
  say "$CURRENT_STEP"
  PG_STARTED=1
  pg_out="$(tests/pg/start.sh)"
  AUTH_RETURN_TEST_POSTGRES_URL="$(printf '%s\n' "$pg_out" | tail -n 1)"
  export AUTH_RETURN_TEST_POSTGRES_URL
  STEPS_DONE+=("postgres")
fi
# --- end of PostgreSQL step ------------------------------------------------------------------------

# --- Cognito emulator step (provider mode, issue 16) -----------------------------------------------
# tests/cognito/start.sh starts MiniStack and prints its endpoint URL on the last line of stdout;
# cargo test sees it as AUTH_RETURN_TEST_COGNITO_URL. tests/cognito/stop.sh is run on exit.
if [[ -x tests/cognito/start.sh && -z "${AUTH_RETURN_TEST_COGNITO_URL:-}" ]]; then
  CURRENT_STEP="start the Cognito emulator (tests/cognito/start.sh)"
  say "$CURRENT_STEP"
  COGNITO_STARTED=1
  cognito_out="$(tests/cognito/start.sh)"
  AUTH_RETURN_TEST_COGNITO_URL="$(printf '%s\n' "$cognito_out" | tail -n 1)"
  export AUTH_RETURN_TEST_COGNITO_URL
  STEPS_DONE+=("cognito emulator")
fi
# --- end of the Cognito emulator step ---------------------------------------------------------------

# --- A non-loopback address for the HTTPS-required test (crates/cli/tests/https_required.rs) -----
# The test calls the server through one of this machine's own non-loopback addresses (the traffic
# stays on the machine) and fails when there is none. A machine without one gets a documentation
# address (RFC 5737) on a dummy interface, or on lo where the kernel has no dummy driver (as in
# some containers); as root, with iproute2 installed if missing. Removed again on exit.
if [[ -z "${AUTH_RETURN_TEST_REMOTE_IP:-}" ]]; then
  CURRENT_STEP="non-loopback test address"
  if ! command -v ip >/dev/null && [[ $(id -u) -eq 0 ]]; then
    say "installing iproute2 (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y iproute2 >/dev/null
  fi
  remote_ip=""
  if command -v ip >/dev/null; then
    remote_ip="$(ip -o -4 addr show scope global | awk '{ split($4, a, "/"); print a[1]; exit }')"
    if [[ -z "$remote_ip" && $(id -u) -eq 0 ]]; then
      say "adding 198.51.100.10 for the HTTPS-required test"
      if ip link add ar-test0 type dummy 2>/dev/null; then
        TEST_ADDR_UNDO="ip link del ar-test0"
        ip addr add 198.51.100.10/32 dev ar-test0
        ip link set ar-test0 up
        remote_ip=198.51.100.10
      elif ip addr add 198.51.100.10/32 dev lo; then
        TEST_ADDR_UNDO="ip addr del 198.51.100.10/32 dev lo"
        remote_ip=198.51.100.10
      fi
    fi
  fi
  if [[ -n "$remote_ip" ]]; then
    export AUTH_RETURN_TEST_REMOTE_IP="$remote_ip"
    echo "tests/run.sh: AUTH_RETURN_TEST_REMOTE_IP=$remote_ip"
  else
    echo "tests/run.sh: warning: no non-loopback address (not root, or no iproute2): the HTTPS-required test will fail" >&2
  fi
fi
# --- end of the test address ----------------------------------------------------------------------

step "cargo test" cargo test --workspace --all-features

# Each fuzz target for AUTH_RETURN_FUZZ_SECONDS (20 by default); README: Fuzzing.
step "fuzz" tests/fuzz/run.sh

step "end-to-end tests" tests/e2e/run.sh target/debug/auth-return
