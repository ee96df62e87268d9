#!/usr/bin/env bash
# A model's life on the real cluster: deploy (dry runs, apply, re-run,
# update), status, refusals that leave nothing behind, and delete.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"


before=$(snapshot)

test_case "--dry-run=client prints plain YAML that kubectl accepts, and touches nothing"
run kubectl lm deploy phi-3-mini --dry-run=client
expect_rc 0
expect_out_contains "kind: Deployment"
expect_out_contains "kind: Service"
expect_err_contains "would label node(s)"
expect_eq "$(snapshot)" "$before" "(after --dry-run=client)"
kubectl apply --dry-run=server -f - <<<"$OUT" >/dev/null || fail "kubectl apply --dry-run=server rejected the printed YAML"

test_case "--dry-run=server validates on the API server and touches nothing"
run kubectl lm deploy phi-3-mini --dry-run=server
expect_rc 0
expect_out_contains "deployment.apps/phi-3-mini serverside-applied (server dry run)"
expect_out_contains "(server dry run)"
expect_eq "$(snapshot)" "$before" "(after --dry-run=server)"

test_case "a gated model without an HF token is refused before anything is created"
run kubectl lm deploy llama-3.1-8b
expect_rc 1
expect_err_contains "is gated"
expect_err_lines 1
expect_eq "$(snapshot)" "$before"

test_case "the RBAC-limited user gets a line naming the missing permission, and nothing is done"
run kubectl lm deploy phi-3-mini --context viewer
expect_rc 1
expect_err_lines 1
expect_err_contains "you may not patch nodes at the cluster scope, which deploy needs to label the GPU nodes that fit"
expect_eq "$(snapshot)" "$before"

test_case "llama-3.3-70b where it fits nowhere: exit 1, the reason per node, nothing created"
hold_h100 lm-e2e 5
before_70b=$(snapshot)
HF_TOKEN=hf_e2e_not_a_real_token run kubectl lm deploy llama-3.3-70b --hf-token-from-env
expect_rc 1
expect_err_contains "gpu-h100-0         no     too few free GPUs: needs 4, 3 of 8 free"
expect_err_contains "gpu-l4-0           no     GPU too small"
expect_err_contains "error: cannot deploy llama-3.3-70b: it fits no node"
expect_eq "$(snapshot)" "$before_70b"
kubectl delete deployment e2e-hold-h100 -n lm-e2e >/dev/null

test_case "deploy phi-3-mini --wait: scheduled on a node that passed the check, Available, status Ready"
# KWOK's pods run no server: --wait sees them Ready, asks the server for a
# completion, gets no answer, and says so at its timeout instead of "ready"
# (chat_test.sh puts a stand-in server behind the pod for the answered case).
run kubectl lm deploy phi-3-mini --wait --timeout 5s --request-timeout 3s
expect_rc 1
expect_out_contains "deployment.apps/phi-3-mini created"
expect_err_contains "phi-3-mini is not ready after 5s: Unhealthy: "
# Created, not applied (so a same-named object that appeared meanwhile
# would be refused), and then its fields handed to the apply manager, so
# that later applies do not conflict with the create.
expect_eq "$(kubectl get deployment phi-3-mini --show-managed-fields -o json |
  json_get '[(m["manager"], m["operation"]) for m in d["metadata"]["managedFields"] if m["manager"] == "kubectl-lm"]')" \
  "[('kubectl-lm', 'Apply')]"
run kubectl wait --for=condition=Available deployment/phi-3-mini --timeout=30s
expect_rc 0
node=$(kubectl get pods -l kubectl-lm.io/deployment=phi-3-mini -o 'jsonpath={.items[0].spec.nodeName}')
label=$(kubectl get node "$node" -o 'jsonpath={.metadata.labels.phi-3-mini\.default\.kubectl-lm\.io/fits}')
expect_eq "$label" "true" "(label on the pod's node $node)"
run kubectl lm status
expect_rc 0
grep -q "^phi-3-mini .* phi-3-mini-4k .* Ready .* 1/1 .* 1 .* $node .*http://phi-3-mini.default.svc/v1" <<<"$OUT" || fail "status line"
run kubectl lm status -o json
expect_eq "$(json_get '[(i["name"], i["model"], i["phase"], i["ready"]) for i in d["items"]]' <<<"$OUT")" \
  "[('phi-3-mini', 'phi-3-mini-4k', 'Ready', True)]"

test_case "the container runs the planned vllm command line, non-root, caches on the volume"
# The batch budget is the A100's and the L4's (vLLM's 2048 x 256 there):
# every node that holds the plan holds it at the smallest of their budgets,
# and the H100's own (8192 x 1024) would not be vLLM's choice on the others.
spec=$(kubectl get deployment phi-3-mini -o json)
expect_eq "$(json_get '" ".join(d["spec"]["template"]["spec"]["containers"][0]["command"] + d["spec"]["template"]["spec"]["containers"][0]["args"])' <<<"$spec")" \
  "vllm serve microsoft/Phi-3-mini-4k-instruct --served-model-name phi-3-mini-4k --tensor-parallel-size 1 --max-model-len 4096 --max-num-batched-tokens 2048 --max-num-seqs 256 --gpu-memory-utilization 0.90 --dtype bfloat16 --host 0.0.0.0 --port 8000"
expect_eq "$(json_get 'sorted(e["name"] for e in d["spec"]["template"]["spec"]["containers"][0]["env"])' <<<"$spec")" \
  "['DO_NOT_TRACK', 'HF_HOME', 'HF_HUB_DISABLE_TELEMETRY', 'HOME', 'VLLM_CACHE_ROOT']"
expect_eq "$(json_get 'd["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"]' <<<"$spec")" "1"
expect_eq "$(json_get 'd["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"]' <<<"$spec")" "True"
expect_eq "$(json_get '[v["name"] for v in d["spec"]["template"]["spec"]["volumes"]]' <<<"$spec")" "['model-cache']"

test_case "re-running the same deploy changes nothing"
rv=$(kubectl get deployment phi-3-mini -o 'jsonpath={.metadata.resourceVersion}')
labels=$(snapshot)
run kubectl lm deploy phi-3-mini
expect_rc 0
expect_out_lacks "labeled"
expect_eq "$(kubectl get deployment phi-3-mini -o 'jsonpath={.metadata.resourceVersion}')" "$rv" "(resourceVersion)"
expect_eq "$(snapshot)" "$labels"

test_case "a changed deploy updates in place"
uid=$(kubectl get deployment phi-3-mini -o 'jsonpath={.metadata.uid}')
run kubectl lm deploy phi-3-mini --context-length 2048
expect_rc 0
expect_out_contains "deployment.apps/phi-3-mini serverside-applied"
expect_eq "$(kubectl get deployment phi-3-mini -o 'jsonpath={.metadata.uid}')" "$uid"
expect_eq "$(kubectl get deployment phi-3-mini -o 'jsonpath={.spec.template.spec.containers[0].args}')" \
  '["microsoft/Phi-3-mini-4k-instruct","--served-model-name","phi-3-mini-4k","--tensor-parallel-size","1","--max-model-len","2048","--max-num-batched-tokens","2048","--max-num-seqs","256","--gpu-memory-utilization","0.90","--dtype","bfloat16","--host","0.0.0.0","--port","8000"]'

test_case "an object of the same name that kubectl-lm did not create is never overwritten"
kubectl create service clusterip e2e-taken --tcp=80:80 >/dev/null
before_taken=$(snapshot)
run kubectl lm deploy phi-3-mini --name e2e-taken
expect_rc 1
expect_err_contains 'service "e2e-taken" already exists in namespace default and was not created by kubectl lm deploy e2e-taken'
expect_eq "$(snapshot)" "$before_taken"
kubectl delete service e2e-taken >/dev/null

test_case "status explains a deployment that cannot be scheduled"
kubectl lm deploy qwen2.5-7b --name e2e-pending --node gpu-a100-0 >/dev/null 2>&1
kubectl scale deployment e2e-pending --replicas=2 >/dev/null
reason=""
for _ in $(seq 30); do
  reason=$(kubectl lm status e2e-pending -o json | json_get 'd["items"][0]["reason"]')
  [[ $reason == *"Insufficient nvidia.com/gpu"* ]] && break
  sleep 1
done
[[ $reason == *"0/8 nodes are available: 1 Insufficient nvidia.com/gpu"* ]] || fail "pending reason: $reason"
run kubectl lm status e2e-pending
expect_out_contains "Phase:      Pending"
expect_out_contains "Ready:      1/2"
kubectl lm delete e2e-pending >/dev/null

test_case "status explains an image that cannot be pulled, and --wait fails with the reason"
run kubectl lm deploy phi-3-mini --name e2e-badimage --image registry.invalid/unpullable:1 --wait --timeout 60s
expect_rc 1
expect_err_contains 'error: e2e-badimage failed: ImagePullBackOff: Back-off pulling image "registry.invalid/unpullable:1"'
run kubectl lm status e2e-badimage -o json
expect_eq "$(json_get '(d["items"][0]["phase"], d["items"][0]["ready"])' <<<"$OUT")" "('ImagePullBackOff', False)"
kubectl lm delete e2e-badimage >/dev/null

test_case "status explains a crash-looping server with its last log lines"
kubectl lm deploy phi-3-mini --name e2e-crash --image registry.invalid/crashing:1 >/dev/null 2>&1
for _ in $(seq 30); do
  [ "$(kubectl lm status e2e-crash -o json | json_get 'd["items"][0]["phase"]')" = CrashLoopBackOff ] && break
  sleep 1
done
run kubectl lm status e2e-crash
expect_out_contains "Phase:      CrashLoopBackOff"
expect_out_contains "Reason:     the server exits (restarted 4 time(s)), last: Error"
expect_out_contains "Last log lines of the crashed server:"
expect_out_contains "RuntimeError: Engine core initialization failed."
run kubectl lm deploy phi-3-mini --name e2e-crash --image registry.invalid/crashing:1 --wait --timeout 30s
expect_rc 1
expect_err_contains "error: e2e-crash failed: CrashLoopBackOff"
kubectl lm delete e2e-crash >/dev/null

test_case "an HF token from the environment goes into a Secret and never into the output"
secret_value=hf_e2eSECRETvalue123
HF_TOKEN=$secret_value run kubectl lm deploy mistral-7b --hf-token-from-env -v=8
expect_rc 0
[[ "$OUT$ERR" != *"$secret_value"* ]] || fail "the HF token appeared in the output"
[[ "$OUT$ERR" != *"$(printf %s "$secret_value" | base64)"* ]] || fail "the base64 HF token appeared in the output"
expect_eq "$(kubectl get secret mistral-7b-hf-token -o 'jsonpath={.data.token}' | base64 -d)" "$secret_value"
expect_eq "$(kubectl get deployment mistral-7b -o 'jsonpath={.spec.template.spec.containers[0].env[?(@.name=="HF_TOKEN")].valueFrom.secretKeyRef.name}')" "mistral-7b-hf-token"
kubectl get deployment mistral-7b -o 'jsonpath={.spec.template.spec.containers[0].args}' |
  grep -qF '"--tokenizer-mode","mistral","--config-format","mistral","--load-format","mistral"' || fail "mistral-7b runs without Mistral's formats"
kubectl lm delete mistral-7b >/dev/null
run kubectl get secret mistral-7b-hf-token
expect_rc 1

test_case "delete leaves the cluster exactly as it was before deploy"
run kubectl lm delete phi-3-mini
expect_rc 0
expect_out_contains 'deployment.apps "phi-3-mini" deleted'
expect_out_contains "unlabeled"
kubectl wait --for=delete pod -l kubectl-lm.io/deployment --timeout=60s >/dev/null 2>&1 || true
expect_eq "$(snapshot)" "$before" "(after delete)"
run kubectl lm delete phi-3-mini
expect_rc 1
expect_err_contains 'no model deployment "phi-3-mini" in namespace default: nothing to delete'

finish
