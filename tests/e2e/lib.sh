# shellcheck shell=bash
# Helpers for the e2e tests: run a command, keep its output and status, and
# assert on them. Each failed assertion is reported and counted; a test file
# fails when any of its assertions failed.
FAILURES=0
OUT=""
ERR=""
RC=0

# run CMD...: runs it, capturing stdout in $OUT, stderr in $ERR, status in $RC.
run() {
  local o e
  o=$(mktemp) e=$(mktemp)
  set +e
  "$@" >"$o" 2>"$e"
  RC=$?
  set -e
  OUT=$(cat "$o") ERR=$(cat "$e")
  rm -f "$o" "$e"
}

fail() {
  echo "  FAIL: $*" >&2
  echo "    command status: $RC" >&2
  echo "    stdout: ${OUT:0:2000}" >&2
  echo "    stderr: ${ERR:0:2000}" >&2
  FAILURES=$((FAILURES + 1))
}

expect_rc() { [ "$RC" -eq "$1" ] || fail "${2:-} expected exit status $1"; }
expect_out_contains() { [[ $OUT == *"$1"* ]] || fail "stdout should contain: $1"; }
expect_out_lacks() { [[ $OUT != *"$1"* ]] || fail "stdout should not contain: $1"; }
expect_err_contains() { [[ $ERR == *"$1"* ]] || fail "stderr should contain: $1"; }
expect_err_lacks() { [[ $ERR != *"$1"* ]] || fail "stderr should not contain: $1"; }
expect_err_lines() { [ "$(printf '%s\n' "$ERR" | grep -c .)" -eq "$1" ] || fail "stderr should have $1 line(s)"; }
expect_eq() { [ "$1" == "$2" ] || fail "expected '$2', got '$1' ${3:-}"; }

# test NAME: announces one case.
test_case() { echo "- $*"; }

finish() {
  if [ "$FAILURES" -gt 0 ]; then
    echo "$FAILURES assertion(s) failed" >&2
    exit 1
  fi
}
