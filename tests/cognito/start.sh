#!/usr/bin/env bash
# Starts a throwaway MiniStack (a local AWS emulator that checks SRP for real) serving Cognito
# for the provider-mode tests, and prints its endpoint URL.
#
#   tests/cognito/start.sh [DIR]       DIR (state: pid, log) defaults to /tmp/auth-return-cognito
#   url=$(tests/cognito/start.sh | tail -n1)
#   AUTH_RETURN_TEST_COGNITO_URL=$url cargo test -p auth-return-provider-cognito
#   tests/cognito/stop.sh
#
# Installs MiniStack (pinned in tests/cognito/requirements.txt) into tests/cognito/.venv, as
# tests/e2e/run.sh does for its Python clients, reinstalling only when the pins change. Serves
# cognito-idp, and iam + sts (the tests make IAM users whose calls the emulator refuses), on
# 127.0.0.1 only, port GATEWAY_PORT (default 45660, or the next free one), with AUTH=true: request
# signatures and IAM policies are checked, and the root credentials are `test`/`test`. Reused if
# DIR's emulator is still running. Progress goes to stderr; the last line on stdout is the URL.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${1:-/tmp/auth-return-cognito}"
PORT="${GATEWAY_PORT:-45660}"
VENV="${AUTH_RETURN_COGNITO_VENV:-$HERE/.venv}"
REQS="$HERE/requirements.txt"

log() { echo "cognito/start: $*" >&2; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- the venv ---------------------------------------------------------------------------------
STAMP="$VENV/.requirements.sha256"
want="$(sha256sum "$REQS" | cut -d' ' -f1)"
if [[ ! -x "$VENV/bin/ministack" || "$(cat "$STAMP" 2>/dev/null || true)" != "$want" ]]; then
    log "installing MiniStack into $VENV"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        if command -v apt-get >/dev/null && [[ $(id -u) -eq 0 ]]; then
            log "python3 -m venv failed; installing python3-venv"
            apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
            rm -rf "$VENV"
            python3 -m venv "$VENV"
        else
            log "python3 -m venv failed (install python3-venv)"
            exit 1
        fi
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS" >&2
    echo "$want" >"$STAMP"
fi

# Answers 0 when the emulator on port $1 is up and serving Cognito.
healthy() {
    "$VENV/bin/python" - "$1" <<'PY' 2>/dev/null
import json, sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/_ministack/health", timeout=2) as r:
    services = json.load(r).get("services", {})
sys.exit(0 if services.get("cognito-idp") in ("available", "running") else 1)
PY
}

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
PIDFILE="$DIR/ministack.pid"
PORTFILE="$DIR/ministack.port"

# --- reuse a running one ------------------------------------------------------------------------
if [[ -f "$PIDFILE" && -f "$PORTFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    PORT="$(cat "$PORTFILE")"
    if healthy "$PORT"; then
        log "already running on port $PORT (pid $(cat "$PIDFILE"))"
        echo "http://127.0.0.1:$PORT"
        exit 0
    fi
    log "pid $(cat "$PIDFILE") does not answer on port $PORT; starting another"
fi

# --- a spare port -------------------------------------------------------------------------------
for _ in $(seq 1 20); do
    port_busy "$PORT" || break
    log "port $PORT is taken, trying $((PORT + 1))"
    PORT=$((PORT + 1))
done
port_busy "$PORT" && { log "no spare port found"; exit 1; }

# --- start --------------------------------------------------------------------------------------
log "starting MiniStack $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("ministack"))') on 127.0.0.1:$PORT (log: $DIR/ministack.log)"
(
    cd "$DIR"
    # Only what the emulator needs: no developer AWS settings leak in.
    exec setsid env -i PATH="$PATH" HOME="$DIR" TMPDIR="$DIR" \
        GATEWAY_PORT="$PORT" BIND_HOST=127.0.0.1 \
        SERVICES=cognito-idp,iam,sts AUTH=true \
        AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test MINISTACK_REGION=us-east-1 \
        LOG_LEVEL="${AUTH_RETURN_COGNITO_LOG_LEVEL:-WARNING}" \
        "$VENV/bin/ministack" >"$DIR/ministack.log" 2>&1 </dev/null
) &
PID=$!
echo "$PID" >"$PIDFILE"
echo "$PORT" >"$PORTFILE"

for _ in $(seq 1 120); do
    if ! kill -0 "$PID" 2>/dev/null; then
        log "MiniStack exited during start-up; its log:"
        tail -n 40 "$DIR/ministack.log" >&2 || true
        rm -f "$PIDFILE" "$PORTFILE"
        exit 1
    fi
    healthy "$PORT" && break
    sleep 0.25
done
if ! healthy "$PORT"; then
    log "MiniStack did not answer within 30 s; its log:"
    tail -n 40 "$DIR/ministack.log" >&2 || true
    kill -TERM "$PID" 2>/dev/null || true
    rm -f "$PIDFILE" "$PORTFILE"
    exit 1
fi
log "ready (pid $PID)"
echo "http://127.0.0.1:$PORT"
