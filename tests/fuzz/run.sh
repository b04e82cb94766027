#!/usr/bin/env bash
# The fuzz step of tests/run.sh: builds the cargo-fuzz targets of fuzz/ on the stable toolchain
# and runs each briefly from its seed corpus (fuzz/corpus/<target>/). Fails when a target
# crashes (a panic, an overflow, a failed assertion), runs out of memory or hangs, naming the
# input and how to replay it.
#
#   tests/fuzz/run.sh [target...]        default: every target of fuzz/Cargo.toml
#
# AUTH_RETURN_FUZZ_SECONDS   seconds per target (default 20)
#
# cargo-fuzz's default AddressSanitizer needs nightly (-Zsanitizer); `-s none` keeps only the
# coverage instrumentation, whose flags are stable. The code under test forbids `unsafe`, so
# ASan would add little here: panics and overflow checks (debug assertions are on) are what a
# run finds. New inputs the fuzzer finds go to a scratch directory, not into the committed
# corpus.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

CARGO_FUZZ_VERSION=0.13.2
SECONDS_PER_TARGET="${AUTH_RETURN_FUZZ_SECONDS:-20}"
# The flags of every cargo fuzz call here: the same for build and run, so run does not rebuild.
FUZZ_FLAGS=(--sanitizer none --codegen-units 16 --fuzz-dir fuzz)

if ! [[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]]; then
  echo "tests/fuzz/run.sh: AUTH_RETURN_FUZZ_SECONDS must be a whole number of seconds, not '$SECONDS_PER_TARGET'" >&2
  exit 2
fi

if [[ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
  echo "tests/fuzz/run.sh: installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi

# The system's OpenSSL, where its headers are installed, rather than building the vendored one
# from source (webauthn-rs links it; no fuzzed code reaches it).
if pkg-config --exists openssl 2>/dev/null; then
  export OPENSSL_NO_VENDOR=1
fi

if [[ $# -gt 0 ]]; then
  TARGETS=("$@")
else
  mapfile -t TARGETS < <(cargo fuzz list --fuzz-dir fuzz)
fi

started=$SECONDS
cargo fuzz build "${FUZZ_FLAGS[@]}"
echo "tests/fuzz/run.sh: built ${#TARGETS[@]} targets in $((SECONDS - started)) s"

SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

for target in "${TARGETS[@]}"; do
  seeds="fuzz/corpus/$target"
  if [[ ! -d "$seeds" ]]; then
    echo "tests/fuzz/run.sh: $target has no seed corpus ($seeds)" >&2
    exit 1
  fi
  artifacts="fuzz/artifacts/$target"
  mkdir -p "$artifacts" "$SCRATCH/$target"
  options=(
    "-max_total_time=$SECONDS_PER_TARGET"
    -timeout=10
    -rss_limit_mb=2048
    -print_final_stats=1
    "-artifact_prefix=$artifacts/"
  )
  if [[ -f "fuzz/dict/$target.dict" ]]; then
    options+=("-dict=fuzz/dict/$target.dict")
  fi
  log="$SCRATCH/$target.log"
  echo "tests/fuzz/run.sh: $target for $SECONDS_PER_TARGET s"
  # The scratch directory comes first: libFuzzer writes the inputs it finds there.
  if cargo fuzz run "${FUZZ_FLAGS[@]}" "$target" "$SCRATCH/$target" "$seeds" -- "${options[@]}" \
    >"$log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log" | tr '\n' ' '
    echo
  else
    cp "$log" "$artifacts/last-run.log"
    grep -m 1 -A 2 "panicked at" "$log" | cut -c 1-400 || true
    grep -E "^(SUMMARY|==[0-9]+== ERROR)" "$log" || true
    echo "tests/fuzz/run.sh: $target FAILED (the whole log: $artifacts/last-run.log)" >&2
    found="$(grep -oE "(crash|oom|timeout|leak|slow-unit)-[0-9a-f]+" "$log" | tail -n 1 || true)"
    if [[ -n "$found" && -f "$artifacts/$found" ]]; then
      echo "  input:     $artifacts/$found" >&2
      echo "  reproduce: cargo fuzz run -s none --fuzz-dir fuzz $target $artifacts/$found" >&2
      echo "  (keep the input in fuzz/corpus/$target/ once the bug is fixed)" >&2
    fi
    exit 1
  fi
done
echo "tests/fuzz/run.sh: ${#TARGETS[@]} targets, $SECONDS_PER_TARGET s each, no crash ($((SECONDS - started)) s with the build)"
