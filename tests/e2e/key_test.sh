#!/usr/bin/env bash
# A key on the endpoint, on the real control plane: deploy gives vLLM its
# key only through a Secret (VLLM_API_KEY), and chat and the readiness probe
# send "Authorization: Bearer KEY" through a port-forward the plugin speaks
# itself (the API server's proxies take that header for themselves). KWOK's
# fake kubelet forwards the port of namespace lm-key's pods to the stand-in
# model server (tests/e2e/cluster, forward-to-stand-in.py), which, like vLLM
# with VLLM_API_KEY, answers 401 on /v1 without the key. This proves the
# objects, the API server's port-forward and what reaches the server; that
# vLLM reads VLLM_API_KEY is vLLM's (cited in openai-stub.py).
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
STAND_IN=$(dirname "$0")/stand-in
NS=lm-key
KEY=sk-e2e-KEY-$RANDOM$RANDOM
KEY64=$(printf %s "$KEY" | base64)

cleanup() {
  "$STAND_IN" down e2e-key
  kubectl lm delete e2e-key -n $NS >/dev/null 2>&1 || true
  kubectl delete namespace $NS --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT
kubectl create namespace $NS >/dev/null

# never_shown TEXT...: none of TEXT holds the key, plain or base64.
never_shown() {
  local all="$*"
  [[ $all != *"$KEY"* ]] || fail "the key appeared"
  [[ $all != *"$KEY64"* ]] || fail "the key appeared in base64"
}

test_case "--dry-run=client references the Secret and shows no key"
LM_KEY=$KEY run kubectl lm deploy phi-3-mini --name e2e-key -n $NS --api-key-from-env LM_KEY --dry-run=client
expect_rc 0
expect_out_contains "name: VLLM_API_KEY"
expect_out_contains "name: e2e-key-api-key"
never_shown "$OUT" "$ERR"

test_case "a missing Secret or variable is refused and nothing is made"
run kubectl lm deploy phi-3-mini --name e2e-key -n $NS --api-key-secret nope
expect_rc 1
expect_err_contains "secret \"nope\" not found in namespace $NS (create it: kubectl create secret generic nope"
run env -u LM_KEY kubectl lm deploy phi-3-mini --name e2e-key -n $NS --api-key-from-env LM_KEY
expect_rc 1
expect_err_contains "--api-key-from-env: LM_KEY is not set"
expect_eq "$(kubectl get deployments,secrets,services -n $NS -l app.kubernetes.io/managed-by=kubectl-lm -o name)" ""

test_case "deploy --api-key-from-env: the pod has the key only through the Secret deploy made"
LM_KEY=$KEY run kubectl lm deploy phi-3-mini --name e2e-key -n $NS --api-key-from-env LM_KEY -v=10
expect_rc 0
never_shown "$OUT" "$ERR"
expect_eq "$(kubectl get secret e2e-key-api-key -n $NS -o 'jsonpath={.data.api-key}' | base64 -d)" "$KEY"
expect_eq "$(kubectl get secret e2e-key-api-key -n $NS -o 'jsonpath={.metadata.labels.kubectl-lm\.io/deployment}')" "e2e-key"
dep=$(kubectl get deployment e2e-key -n $NS -o json)
expect_eq "$(json_get '[e["valueFrom"]["secretKeyRef"] for e in d["spec"]["template"]["spec"]["containers"][0]["env"] if e["name"] == "VLLM_API_KEY"]' <<<"$dep")" \
  "[{'key': 'api-key', 'name': 'e2e-key-api-key'}]"
never_shown "$dep"
kubectl wait --for=condition=Available deployment/e2e-key -n $NS --timeout=60s >/dev/null
run kubectl lm status e2e-key -n $NS --probe=false
expect_out_contains "Access:     requires the key in secret e2e-key-api-key, key api-key (Authorization: Bearer KEY)"
run kubectl lm status e2e-key -n $NS --probe=false -o json
expect_eq "$(json_get 'd["items"][0]["apiKey"]' <<<"$OUT")" "{'secret': 'e2e-key-api-key', 'key': 'api-key'}"

requests=$E2E_TMP/key-requests.log
mode=$E2E_TMP/key-mode
echo "key:$KEY" >"$mode"
"$STAND_IN" up e2e-key $NS "$requests" "$mode"

test_case "chat sends the key through a port-forward, and it reaches the server"
run kubectl lm chat e2e-key hi -n $NS -v=10
expect_rc 0
expect_out_contains "Hello from the stub server."
expect_eq "$(tail -1 "$requests.auth")" "Bearer $KEY"
expect_err_contains "/api/v1/namespaces/$NS/pods/e2e-key-"
expect_err_contains "/portforward?ports=8000"
never_shown "$OUT" "$ERR"
run kubectl lm chat e2e-key hi -n $NS --no-stream
expect_rc 0
expect_eq "$OUT" "Hello from the stub server."

test_case "the stand-in refuses a request without the key (through the service proxy, which cannot carry one)"
run kubectl get --raw "/api/v1/namespaces/$NS/services/e2e-key:http/proxy/v1/models"
expect_rc 1
expect_err_contains "the server has asked for the client to provide credentials"  # kubectl words the 401
expect_eq "$(tail -1 "$requests.auth")" "-"

test_case "status probes through the port-forward: Ready (answered in N ms)"
run kubectl lm status e2e-key -n $NS
expect_rc 0
grep -q "^Phase:      Ready (answered in [0-9]* ms)$" <<<"$OUT" || fail "status e2e-key: Ready (answered in N ms)"
expect_eq "$(tail -1 "$requests")" '{"model": "phi-3-mini-4k", "prompt": "Hi", "max_tokens": 1}'
expect_eq "$(tail -1 "$requests.auth")" "Bearer $KEY"

test_case "a server that holds another key: its 401 is said, in chat and in status"
echo "key:another-key" >"$mode"
run kubectl lm chat e2e-key hi -n $NS
expect_rc 1
expect_err_contains 'answered HTTP 401: {"error":"Unauthorized"} (it holds another key than the Secret now does'
never_shown "$OUT" "$ERR"
run kubectl lm status e2e-key -n $NS
expect_out_contains "Phase:      Unhealthy"
expect_out_contains 'Reason:     the server answered HTTP 401: {"error":"Unauthorized"}'
echo "key:$KEY" >"$mode"

test_case "a user who may not read the key's Secret is told which permission is missing"
run kubectl lm chat e2e-key hi -n $NS --context viewer
expect_rc 1
never_shown "$OUT" "$ERR"
expect_err_contains "requires the key in secret e2e-key-api-key, which you may not read (ask for get on secrets in namespace $NS)"
expect_err_lines 1

test_case "delete removes the Secret deploy made; a Secret of the user's is only referenced"
"$STAND_IN" down e2e-key
run kubectl lm delete e2e-key -n $NS
expect_rc 0
run kubectl get secret e2e-key-api-key -n $NS
expect_rc 1
kubectl create secret generic team-key -n $NS --from-literal=token="$KEY" >/dev/null
run kubectl lm deploy phi-3-mini --name e2e-key -n $NS --api-key-secret team-key:token
expect_rc 0
never_shown "$OUT" "$ERR"
expect_eq "$(kubectl get deployment e2e-key -n $NS -o 'jsonpath={.spec.template.spec.containers[0].env[?(@.name=="VLLM_API_KEY")].valueFrom.secretKeyRef.name}')" "team-key"
run kubectl lm delete e2e-key -n $NS
expect_rc 0
expect_eq "$(kubectl get secret team-key -n $NS -o 'jsonpath={.data.token}' | base64 -d)" "$KEY" "(the user's Secret stays)"

finish
