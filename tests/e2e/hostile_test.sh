#!/usr/bin/env bash
# kubectl-lm against a hostile API server (hostile-server.py on loopback),
# for the faults the real API server cannot be made to show: each answer
# ends in one line and a non-zero exit, in bounded time and memory.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

T=$(mktemp -d)
SERVER_PID=""
trap '[ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null; rm -rf "$T"' EXIT
start_tls_server "$T" "$HERE/hostile-server.py"
port=$SERVER_PORT

# lm MODE ARGS...: runs kubectl-lm against the server's MODE, keeping the
# wall time and peak RSS in $WALL (seconds) and $RSS_MIB.
lm() {
  local mode=$1
  shift
  run /usr/bin/time -f "%e %M" -o "$T/time" kubectl-lm --server "https://127.0.0.1:$port/$mode" \
    --certificate-authority "$T/crt" --token hostile "$@"
  read -r WALL rss < <(tail -n 1 "$T/time")  # time first says "Command exited with non-zero status"
  RSS_MIB=$((rss / 1024))
}
no_crash() {
  expect_err_lacks "internal error"
  expect_err_lines 1
}

test_case "a 2 GiB answer is refused after 64 MiB, in bounded memory"
lm huge nodes
expect_rc 1
expect_err_contains "is larger than 64 MiB"
no_crash
[ "$RSS_MIB" -lt 256 ] || fail "peak RSS $RSS_MIB MiB for a 2 GiB body"
echo "  2 GiB body: refused in ${WALL}s, peak RSS ${RSS_MIB} MiB"

test_case "a protobuf item that says it is 2 GiB is refused at once"
lm huge-protobuf nodes
expect_rc 1
expect_err_contains "larger than 16 MiB"
no_crash
[ "$RSS_MIB" -lt 64 ] || fail "peak RSS $RSS_MIB MiB for a 2 GiB protobuf item"
echo "  2 GiB protobuf item: refused in ${WALL}s, peak RSS ${RSS_MIB} MiB"

test_case "a protobuf list that ends before the length it declared fails at once, without waiting for the rest"
lm short-protobuf nodes
expect_rc 1
expect_err_contains "the server's protobuf body ended early"
no_crash
awk -v w="$WALL" 'BEGIN { exit !(w < 2) }' || fail "took ${WALL}s (the server held the connection 5 s)"
echo "  a list 8 MiB short: refused in ${WALL}s"

test_case "a 2 GiB error answer is cut to 64 KiB, in bounded memory"
lm huge-error nodes
expect_rc 1
no_crash
[ "$RSS_MIB" -lt 256 ] || fail "peak RSS $RSS_MIB MiB for a 2 GiB error body"
[ "${#ERR}" -lt 70000 ] || fail "the error line is ${#ERR} bytes"

test_case "Retry-After: 3600 does not outlast --request-timeout 3"
lm slow-down nodes --request-timeout 3
expect_rc 1
expect_err_contains "come back in an hour"
no_crash
awk -v w="$WALL" 'BEGIN { exit !(w < 10) }' || fail "took ${WALL}s"

test_case "a continue token that never ends is stopped"
lm endless nodes
expect_rc 1
expect_err_contains "still more after 10000 pages"
no_crash

test_case "answers of the wrong shape are read without a crash"
lm wrong-shape version
expect_err_lacks "internal error"
expect_out_contains "Client Version:"
lm wrong-shape nodes --all -o json
expect_err_lacks "internal error"
[ "$RC" -le 1 ] || fail "exit status $RC"

finish
