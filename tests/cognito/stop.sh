#!/usr/bin/env bash
# Stops the emulator started by tests/cognito/start.sh:   tests/cognito/stop.sh [DIR] [--purge]
# With --purge DIR (its log and pid file) is removed as well.
set -euo pipefail

DIR="${1:-/tmp/auth-return-cognito}"
PIDFILE="$DIR/ministack.pid"

if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    PID="$(cat "$PIDFILE")"
    kill -TERM "$PID"
    for _ in $(seq 1 50); do
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$PID" 2>/dev/null; then
        echo "cognito/stop: MiniStack (pid $PID) did not stop within 5 s of SIGTERM; killing it" >&2
        kill -KILL "$PID" 2>/dev/null || true
    fi
    echo "cognito/stop: stopped MiniStack (pid $PID)" >&2
else
    echo "cognito/stop: no MiniStack running from $DIR" >&2
fi
rm -f "$PIDFILE" "$DIR/ministack.port"
if [[ "${2:-}" == "--purge" ]]; then
    rm -rf "$DIR"
fi
