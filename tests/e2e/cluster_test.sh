#!/usr/bin/env bash
# The test cluster itself: the GPU shapes are there, the scheduler counts
# nvidia.com/gpu, KWOK makes scheduled pods Ready, and the narrow user is
# really narrow. Everything else in tests/e2e relies on these.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

test_case "the fixture nodes carry their GPU capacities"
run kubectl get nodes -o 'jsonpath={range .items[*]}{.metadata.name}={.status.allocatable.nvidia\.com/gpu}{"\n"}{end}'
expect_rc 0
for want in gpu-h100-0=8 gpu-a100-0=1 gpu-l4-0=2 gpu-t4-0=1 gpu-v100-0=4 gpu-a10-notready=1 "cpu-0="; do
  grep -qx -- "$want" <<<"$OUT" || fail "node allocatable $want"
done
run kubectl get node gpu-mig-0 -o 'jsonpath={.status.allocatable.nvidia\.com/mig-3g\.40gb}'
expect_eq "$OUT" "1" "MIG slices"
run kubectl get node gpu-a10-notready -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
[ "$OUT" != "True" ] || fail "gpu-a10-notready must not be Ready"

deployment() { # name gpus
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      tolerations:
      - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
      - {key: sku, operator: Equal, value: gpu, effect: NoSchedule}
      containers:
      - name: main
        image: registry.example/none:1
        resources: {limits: {nvidia.com/gpu: $2}}
YAML
}

test_case "a Deployment asking for 1 GPU becomes Available on a GPU node"
deployment e2e-gpu-one 1 | kubectl apply -f - >/dev/null
run kubectl wait --for=condition=Available deployment/e2e-gpu-one --timeout=90s
expect_rc 0
run kubectl get pods -l app=e2e-gpu-one -o 'jsonpath={.items[0].spec.nodeName}'
[[ $OUT == gpu-* ]] || fail "the 1-GPU pod should run on a GPU node, got '$OUT'"

test_case "a Deployment asking for 16 GPUs stays Pending with Insufficient nvidia.com/gpu"
deployment e2e-gpu-sixteen 16 | kubectl apply -f - >/dev/null
msg=""
for _ in $(seq 60); do
  msg=$(kubectl get events -n default --field-selector reason=FailedScheduling -o 'jsonpath={.items[*].message}')
  [[ $msg == *"Insufficient nvidia.com/gpu"* ]] && break
  sleep 1
done
[[ $msg == *"Insufficient nvidia.com/gpu"* ]] || fail "no FailedScheduling event naming Insufficient nvidia.com/gpu: $msg"
run kubectl get pods -l app=e2e-gpu-sixteen -o 'jsonpath={.items[0].status.phase}'
expect_eq "$OUT" "Pending"
kubectl delete deployment e2e-gpu-one e2e-gpu-sixteen --wait=false >/dev/null

test_case "the viewer may read nodes and pods but not patch nodes or create Deployments"
run kubectl --context viewer get nodes
expect_rc 0
run kubectl --context viewer label node cpu-0 e2e=1
expect_rc 1
expect_err_contains "forbidden"
run kubectl --context viewer auth can-i create deployments
expect_out_contains "no"

finish
