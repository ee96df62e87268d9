#!/usr/bin/env bash
# logs and chat through the real API server. The API server refuses to
# proxy to loopback addresses, so the stand-in model server
# (tests/e2e/openai-stub.py) gets the pod's own IP address in a network
# namespace of its own, joined to this one by a veth pair; both are removed
# at the end.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

NETNS=lm-e2e-chat
cleanup() {
  ip netns pids "$NETNS" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip link del lm-e2e-v0 2>/dev/null || true
  ip netns del "$NETNS" 2>/dev/null || true
  kubectl lm delete e2e-chat >/dev/null 2>&1 || true
}
trap cleanup EXIT

test_case "logs prints the model server's log through the API server"
kubectl lm deploy phi-3-mini --name e2e-chat --wait --timeout 2m >/dev/null 2>&1
run kubectl lm logs e2e-chat --tail 2
expect_rc 0
expect_out_contains "Starting vLLM API server on http://0.0.0.0:8000"
expect_out_contains "Application startup complete."
expect_out_lacks "Loading weights"
run kubectl lm logs e2e-nothing
expect_rc 1
expect_err_contains 'no model deployment "e2e-nothing"'

pod_ip=$(kubectl get pods -l kubectl-lm.io/deployment=e2e-chat -o 'jsonpath={.items[0].status.podIP}')
ip netns add "$NETNS"
ip link add lm-e2e-v0 type veth peer name lm-e2e-v1
ip link set lm-e2e-v1 netns "$NETNS"
ip addr add 10.250.0.1/32 dev lm-e2e-v0
ip link set lm-e2e-v0 up
ip -n "$NETNS" addr add "$pod_ip/32" dev lm-e2e-v1
ip -n "$NETNS" link set lm-e2e-v1 up
ip route add "$pod_ip/32" dev lm-e2e-v0
ip -n "$NETNS" route add 10.250.0.1/32 dev lm-e2e-v1
requests=$E2E_TMP/chat-requests.log
ip netns exec "$NETNS" python3 "$(dirname "$0")/openai-stub.py" "$pod_ip" 8000 "$requests" &
for _ in $(seq 50); do curl -s -m 1 "http://$pod_ip:8000/health" >/dev/null && break; sleep 0.1; done

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
ip netns pids "$NETNS" | xargs -r kill
sleep 0.5
run kubectl lm chat e2e-chat "hello" --request-timeout 30s
expect_rc 1
expect_err_lines 1
expect_err_contains "connection refused"

finish
