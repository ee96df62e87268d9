#!/usr/bin/env bash
# kubectl lm scale on the real control plane: to 0 the GPUs come free in
# `nodes` while the Deployment, Service and node labels stay; up again only
# when the nodes that passed the memory check hold the replicas.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

cleanup() {
  kubectl lm delete e2e-s >/dev/null 2>&1 || true
  kubectl delete deployment e2e-hold-h100 --ignore-not-found >/dev/null 2>&1 || true
}
trap cleanup EXIT

free_h100() { kubectl lm nodes -o json | json_get '[i["free"] for i in d["items"] if i["name"] == "gpu-h100-0"][0]'; }

kubectl lm deploy qwen2.5-7b --name e2e-s --node gpu-h100-0 >/dev/null 2>&1
kubectl wait --for=condition=Available deployment/e2e-s --timeout=60s >/dev/null

test_case "scale to 0 frees the GPUs and keeps the Deployment, Service and node label"
expect_eq "$(free_h100)" "7" "(one H100 held before)"
run kubectl lm scale e2e-s --replicas 0
expect_rc 0
expect_out_contains "deployment.apps/e2e-s scaled"
expect_err_contains "e2e-s: scaled to 0; its 1 nvidia.com/gpu are free"
for _ in $(seq 60); do
  [ -z "$(kubectl get pods -l kubectl-lm.io/deployment=e2e-s -o name)" ] && break
  sleep 0.5
done
expect_eq "$(free_h100)" "8" "(all H100s free)"
expect_eq "$(kubectl get deployment,service e2e-s -o name | sort | tr '\n' ' ')" "deployment.apps/e2e-s service/e2e-s "
expect_eq "$(kubectl get node gpu-h100-0 -o "jsonpath={.metadata.labels.e2e-s\.default\.kubectl-lm\.io/fits}")" "true"
run kubectl lm status e2e-s
expect_out_contains "Phase:      ScaledDown"
expect_out_contains "Reason:     scaled to 0: its GPUs are free (kubectl lm scale e2e-s --replicas 1 starts it again, 1 GPU(s) per replica)"

test_case "scaling up when the GPUs were taken meanwhile is refused with a reason per node, and changes nothing"
hold_h100 default 8
before=$(snapshot)
run kubectl lm scale e2e-s --replicas 1
expect_rc 1
expect_err_contains "gpu-h100-0"
expect_err_contains "0 of 8 nvidia.com/gpu free: holds 0 replica(s) of 1"
expect_err_contains "error: cannot scale e2e-s to 1 replica(s): the nodes that passed its memory check hold 0 now"
expect_eq "$(snapshot)" "$before"
expect_eq "$(kubectl get deployment e2e-s -o 'jsonpath={.spec.replicas}')" "0"

test_case "scaling up when they are free returns to the Ready path"
kubectl delete deployment e2e-hold-h100 >/dev/null
for _ in $(seq 60); do [ "$(free_h100)" = 8 ] && break; sleep 0.5; done
run kubectl lm scale e2e-s --replicas 1
expect_rc 0
run kubectl wait --for=condition=Available deployment/e2e-s --timeout=60s
expect_rc 0
run kubectl lm status
grep -q "^e2e-s .* Ready .* 1/1 " <<<"$OUT" || fail "status after scaling up: $OUT"
run kubectl lm scale e2e-nothing --replicas 1
expect_rc 1
expect_err_contains 'no model deployment "e2e-nothing" in namespace default'

finish
