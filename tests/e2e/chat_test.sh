#!/usr/bin/env bash
# logs, chat and the readiness probe through the real API server. KWOK's
# pods run no containers, so a stand-in model server (tests/e2e/stand-in:
# openai-stub.py at the pod's own IP, in a network namespace of its own)
# answers where vLLM would. This proves the requests that reach the server
# through the API server's service proxy and what kubectl-lm makes of the
# answers; what vLLM itself answers is vLLM's.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
STAND_IN=$(dirname "$0")/stand-in

cleanup() {
  "$STAND_IN" down e2e-chat
  kubectl lm delete e2e-chat >/dev/null 2>&1 || true
}
trap cleanup EXIT

test_case "logs prints the model server's log through the API server"
kubectl lm deploy phi-3-mini --name e2e-chat >/dev/null 2>&1
kubectl wait --for=condition=Available deployment/e2e-chat --timeout=60s >/dev/null
run kubectl lm logs e2e-chat --tail 2
expect_rc 0
# The served log is a real vLLM 0.8.1 start (tests/testdata/vllm-logs/download-then-ready.log).
expect_out_contains "INFO:     Waiting for application startup."
expect_out_contains "INFO:     Application startup complete."
expect_out_lacks "Starting vLLM API server"
run kubectl lm logs e2e-nothing
expect_rc 1
expect_err_contains 'no model deployment "e2e-nothing"'

test_case "Ready pods with no server behind them: status says Unhealthy, deploy --wait does not say ready"
run kubectl lm status e2e-chat --request-timeout 5s
expect_rc 0
expect_out_contains "Phase:      Unhealthy"
grep -q "^Reason:     ." <<<"$OUT" || fail "Unhealthy without a reason"
run kubectl lm status
expect_rc 0
grep -q "^e2e-chat .* Ready " <<<"$OUT" || fail "the list (no probe) shows the pods' readiness"
run kubectl lm status --probe --request-timeout 5s
grep -q "^e2e-chat .* Unhealthy " <<<"$OUT" || fail "the list with --probe"
run kubectl lm deploy phi-3-mini --name e2e-chat --wait --timeout 4s --request-timeout 3s
expect_rc 1
expect_err_contains "e2e-chat is not ready after 4s: Unhealthy: "

requests=$E2E_TMP/chat-requests.log
mode=$E2E_TMP/chat-mode
: >"$mode"
"$STAND_IN" up e2e-chat default "$requests" "$mode"

test_case "with a server that answers: deploy --wait and status say how long the answer took"
run kubectl lm deploy phi-3-mini --name e2e-chat --wait --timeout 30s
expect_rc 0
expect_err_contains "e2e-chat is ready at http://e2e-chat.default.svc/v1 (answered in "
run kubectl lm status e2e-chat
expect_rc 0
grep -q "^Phase:      Ready (answered in [0-9]* ms)$" <<<"$OUT" || fail "status e2e-chat: Ready (answered in N ms)"
expect_eq "$(tail -1 "$requests")" '{"model": "phi-3-mini-4k", "prompt": "Hi", "max_tokens": 1}'
run kubectl lm status e2e-chat -o json
expect_eq "$(json_get '(d["items"][0]["phase"], d["items"][0]["probe"]["answered"])' <<<"$OUT")" "('Ready', True)"

test_case "a server that answers 500 is Unhealthy with its first line; one that hangs, within the timeout"
echo 500 >"$mode"
run kubectl lm status e2e-chat
expect_rc 0
expect_out_contains "Phase:      Unhealthy"
expect_out_contains 'Reason:     the server answered HTTP 500: {"object": "error", "message": "the stand-in was told to fail (MODE_FILE says 500)"'
echo hang >"$mode"
start=$(date +%s)
run kubectl lm status e2e-chat --request-timeout 3s
expect_rc 0
expect_out_contains "Phase:      Unhealthy"
expect_out_contains "Reason:     no answer within 3.00 s (--request-timeout sets the bound)"
[ $(($(date +%s) - start)) -lt 10 ] || fail "the hanging probe was not bounded by --request-timeout"
: >"$mode"

test_case "chat streams an OpenAI chat completion through the service proxy"
run kubectl lm chat e2e-chat "hello there"
expect_rc 0
expect_eq "$OUT" "Hello from the stub server."
last=$(tail -1 "$requests")
expect_eq "$last" '{"model": "phi-3-mini-4k", "messages": [{"role": "user", "content": "hello there"}], "stream": true}'

test_case "chat without streaming, and a prompt from standard input"
run kubectl lm chat e2e-chat "again" --no-stream --max-tokens 16
expect_rc 0
expect_eq "$OUT" "Hello from the stub server."
expect_eq "$(tail -1 "$requests")" '{"model": "phi-3-mini-4k", "messages": [{"role": "user", "content": "again"}], "stream": false, "max_tokens": 16}'
OUT=$(echo "piped prompt" | kubectl lm chat e2e-chat)
expect_eq "$OUT" "Hello from the stub server."
[[ $(tail -1 "$requests") == *'"content": "piped prompt\n"'* ]] || fail "the piped prompt did not reach the server"

test_case "chat with no server behind the pod's address fails in one line"
ip netns pids lm-stand-in-e2e-chat | xargs -r kill
sleep 0.5
run kubectl lm chat e2e-chat "hello" --request-timeout 30s
expect_rc 1
expect_err_lines 1
expect_err_contains "connection refused"

finish
