#!/usr/bin/env bash
# The project's one test command (CI runs it through .ci/run):
#   1. cargo build --workspace --all-targets --all-features
#   2. cargo test --workspace --all-features (with a PostgreSQL for the store tests, when tests/pg exists)
#   3. tests/e2e/run.sh target/debug/auth-return   (real Cognito clients against a running server)
# Stops at the first failing step with a clear message and prints a one-line summary at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STEPS_DONE=()
LOG="$(mktemp)"

CURRENT_STEP=""
PG_STARTED=""

say() { printf '\n==> %s\n' "$*"; }

finish() {
  local rc=$?
  # --- PostgreSQL (optional): stop what we started ------------------------------------------------
  if [[ -n "$PG_STARTED" && -x tests/pg/stop.sh ]]; then
    tests/pg/stop.sh || echo "tests/run.sh: warning: tests/pg/stop.sh failed" >&2
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
  "$@" 2>&1 | tee -a "$LOG"
  STEPS_DONE+=("$CURRENT_STEP")
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

step "cargo test" cargo test --workspace --all-features

step "end-to-end tests" tests/e2e/run.sh target/debug/auth-return
