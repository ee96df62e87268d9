#!/usr/bin/env bash
# SIGINT and SIGTERM sent to deploy after each of its write requests in
# turn, on the real cluster (the writes counted from -v=6): every time, the
# node labels and kubectl-lm's objects equal either the snapshot before
# deploy or that of a completed deploy, and a re-run completes it. Then
# the API server stops answering in the middle of a deploy, and then it is
# killed (SIGKILL) in the middle of one and restarted.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

is_write() { [[ $1 =~ \ (POST|PATCH|DELETE)\ https://[^\ ]+\ 20[01]\  ]] && [[ $1 != *selfsubjectaccessreviews* ]]; }

HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
apiserver=""
trap '[ -z "$apiserver" ] || kill -CONT "$apiserver" 2>/dev/null; rm -rf "$T"' EXIT
deploy=(kubectl lm deploy phi-3-mini --name e2e-int --hf-token-from-env)
export HF_TOKEN=hf_e2e_interrupt_token  # a Secret too: one more kind of object to undo

before=$(snapshot)
"${deploy[@]}" -v=6 2>"$T/full.log" >/dev/null
after=$(snapshot)
writes=0
while IFS= read -r line; do if is_write "$line"; then writes=$((writes + 1)); fi; done <"$T/full.log"
kubectl lm delete e2e-int >/dev/null
[ "$(snapshot)" == "$before" ] || fail "delete did not restore the cluster"

for sig in INT TERM; do
  test_case "SIG$sig after each of deploy's $writes writes: the cluster is as before, or as a completed deploy leaves it"
  undone=0
  for k in $(seq 1 "$writes"); do
    rm -f "$T/fifo"
    mkfifo "$T/fifo"
    "${deploy[@]}" -v=6 2>"$T/fifo" >/dev/null &
    pid=$!
    n=0
    while IFS= read -r line; do
      if is_write "$line"; then
        n=$((n + 1))
        [ "$n" -ne "$k" ] || kill -"$sig" "$pid" 2>/dev/null || true
      fi
    done <"$T/fifo"
    RC=0
    wait "$pid" || RC=$?
    state=$(snapshot)
    if [ "$RC" -eq 130 ] && [ "$state" == "$before" ]; then undone=$((undone + 1)); fi
    if [ "$state" != "$before" ] && [ "$state" != "$after" ]; then
      fail "SIG$sig after write $k (exit $RC) left the cluster half-changed: $(diff <(echo "$before") <(echo "$state") || true)"
    fi
    run "${deploy[@]}"
    expect_rc 0 "(re-run after SIG$sig at write $k)"
    expect_eq "$(snapshot)" "$after" "(re-run after SIG$sig at write $k)"
    kubectl lm delete e2e-int >/dev/null
  done
  # The signal must have stopped deploys mid-way, not only come too late.
  [ "$undone" -gt 0 ] || fail "no SIG$sig stopped a deploy and undid it"
  echo "  $undone of $writes runs were stopped and undone; the others had finished"
done

# deploy_then TIMEOUT CMD...: deploys with -v=6 and runs CMD once the Secret
# is written (after the node labels, before the Service and Deployment),
# with the deploy stopped meanwhile (SIGSTOP): its next request comes after
# CMD has done its work, however long that takes. The deploy's stderr is
# kept in $T/err, its exit status in RC.
deploy_then() {
  local timeout=$1 pid n=0 line
  shift
  rm -f "$T/fifo"
  mkfifo "$T/fifo"
  "${deploy[@]}" -v=6 --request-timeout "$timeout" 2>"$T/fifo" >/dev/null &
  pid=$!
  : >"$T/err"
  while IFS= read -r line; do
    echo "$line" >>"$T/err"
    if is_write "$line" && [[ $line == */secrets* ]]; then
      n=$((n + 1))
      if [ "$n" -eq 1 ]; then
        kill -STOP "$pid"
        "$@"
        kill -CONT "$pid"
      fi
    fi
  done <"$T/fifo"
  RC=0
  wait "$pid" || RC=$?
}

test_case "the API server stops answering mid-deploy: the error names what is left and how to remove it; a re-run completes"
apiserver=$("$HERE/cluster" pid kube-apiserver)
deploy_then 2s kill -STOP "$apiserver"
kill -CONT "$apiserver"
apiserver=""
kubectl wait --for=condition=Ready node/gpu-h100-0 --timeout=60s >/dev/null
ERR=$(grep -v '^I[0-9]' "$T/err" || true)
expect_rc 1
expect_err_contains "undoing this run failed too, so these are left: "
expect_err_contains "secret/e2e-int-hf-token (kubectl delete secret e2e-int-hf-token -n default)"
expect_err_contains "(kubectl label node gpu-h100-0 e2e-int.default.kubectl-lm.io/fits-)"
run "${deploy[@]}"
expect_rc 0
expect_eq "$(snapshot)" "$after" "(re-run after the API server came back)"
kubectl lm delete e2e-int >/dev/null
expect_eq "$(snapshot)" "$before" "(delete after all that)"

test_case "the API server is killed mid-deploy and restarted: the error names what is left; a re-run completes"
deploy_then 5s "$HERE/cluster" kill kube-apiserver  # SIGKILL
"$HERE/cluster" restart kube-apiserver
kubectl wait --for=condition=Ready node/gpu-h100-0 --timeout=60s >/dev/null
ERR=$(grep -v '^I[0-9]' "$T/err" || true)
expect_rc 1
# Refused, or reset mid-handshake or mid-answer, as the kill lands.
[[ $ERR =~ (The\ connection\ to\ the\ server\ 127.0.0.1:[0-9]+\ was\ refused|Unable\ to\ connect\ to\ the\ server) ]] ||
  fail "the error should say the server could not be reached"
expect_err_contains "undoing this run failed too, so these are left: "
expect_err_contains "secret/e2e-int-hf-token (kubectl delete secret e2e-int-hf-token -n default)"
expect_err_lacks "internal error"
echo "  deploy said: ${ERR:0:400}"
run "${deploy[@]}"
expect_rc 0
expect_eq "$(snapshot)" "$after" "(re-run after the API server was restarted)"
kubectl lm delete e2e-int >/dev/null
expect_eq "$(snapshot)" "$before" "(delete after the restart)"

finish
