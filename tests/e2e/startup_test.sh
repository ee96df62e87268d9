#!/usr/bin/env bash
# status NAME shows where a starting server is: scheduling from the real
# scheduler's event, the image pull from the kubelet's events, and vLLM's
# own steps from its log. KWOK runs no containers and sends no kubelet
# events, so this test gives each pod what a real node would: the kubelet's
# Pulling/Pulled/Started events of a real vLLM pod's start (captured on GKE,
# GoogleCloudPlatform/accelerated-platforms, "Inference at scale"), and, by
# namespace, a real vLLM start-up log (tests/testdata/vllm-logs, served by
# KWOK's ClusterLogs from tests/e2e/cluster, with the kubelet's timestamps).
# It proves the requests (events, a log with timestamps=true and limitBytes
# through the real API server and KWOK's kubelet endpoint) and what status
# makes of real data; it cannot prove that a given vLLM version still logs
# these lines (the unit tests pin which lines are read).
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

namespaces=(lm-start-fast lm-start-stuck lm-start-oom)
cleanup() {
  for ns in "${namespaces[@]}"; do
    kubectl lm delete start -n "$ns" >/dev/null 2>&1 || true
    kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

# kubelet_events NAMESPACE: the kubelet's events of the pod's start, at the
# captured distances (Pulling 2m29s ago, Pulled and Started 2m25s ago).
kubelet_events() {
  local ns=$1 pod
  pod=$(kubectl get pods -n "$ns" -l kubectl-lm.io/deployment=start -o 'jsonpath={.items[0].metadata.name}')
  local pulling pulled
  pulling=$(date -u -d '-149 seconds' +%Y-%m-%dT%H:%M:%SZ)
  pulled=$(date -u -d '-145 seconds' +%Y-%m-%dT%H:%M:%SZ)
  for e in "Pulling|$pulling|Pulling image \"vllm/vllm-openai:v0.5.3.post1\"" \
           "Pulled|$pulled|Successfully pulled image \"vllm/vllm-openai:v0.5.3.post1\" in 4.546s (4.546s including waiting). Image size: 5586843591 bytes." \
           "Started|$pulled|Started container inference-server"; do
    IFS='|' read -r reason when message <<<"$e"
    kubectl create -n "$ns" -f - >/dev/null <<YAML
apiVersion: v1
kind: Event
metadata: {name: $pod.${reason,,}, namespace: $ns}
involvedObject: {kind: Pod, name: $pod, namespace: $ns}
reason: $reason
message: '$message'
type: Normal
source: {component: kubelet}
firstTimestamp: $when
lastTimestamp: $when
count: 1
YAML
  done
}

for ns in "${namespaces[@]}"; do
  kubectl create namespace "$ns" >/dev/null
  kubectl lm deploy phi-3-mini --name start -n "$ns" --image registry.invalid/loading:1 >/dev/null 2>&1
done
for ns in "${namespaces[@]}"; do
  for _ in $(seq 60); do
    [ "$(kubectl get pods -n "$ns" -l kubectl-lm.io/deployment=start -o 'jsonpath={.items[0].status.phase}' 2>/dev/null)" = Running ] && break
    sleep 0.5
  done
  kubelet_events "$ns"
done

test_case "a first start: every step with how long it took, what vLLM reported, the image's size"
run kubectl lm status start -n lm-start-fast
expect_rc 0
expect_out_contains "Phase:      Loading"
squeezed=$(tr -s ' ' <<<"$OUT")
# Scheduling is the real scheduler's, measured on this cluster: whole
# seconds from the pod's creation to the scheduler's Scheduled event, 0s on an
# idle machine, a second or two on a loaded one.
grep -Eqx " scheduling [0-9]s" <<<"$squeezed" || fail "timeline row: scheduling, in seconds"
for row in " image pull 4s 5.6 GB" " engine start 29s" " download weights 8m28s vLLM: 508.6 s" \
           " load weights 1s vLLM: 0.6 s" " compile and profile 38s torch.compile 28.1 s; KV cache 525,520 tokens" \
           " CUDA graphs 21s vLLM: 21.0 s" " API server 0s"; do
  grep -qxF "$row" <<<"$squeezed" || fail "timeline row: $row"
done
run kubectl lm status start -n lm-start-fast -o json
expect_eq "$(json_get '[(s["name"], s.get("seconds")) for s in d["items"][0]["timeline"]["steps"]][3]' <<<"$OUT")" "('download weights', 508)"
expect_eq "$(json_get 'd["items"][0]["timeline"]["serverReady"]' <<<"$OUT")" "True"

test_case "stuck mid-download: the running step, for how long, and for how long the log has not moved"
# The served log's last line is 15 minutes before the cluster started, and
# the test runs some minutes after that: well over 10 minutes, in ShortDuration's
# "17m12s" or "1h2m".
quiet='([1-5][0-9]m[0-9]+s|[0-9]+h[0-9]+m)'
run kubectl lm status start -n lm-start-stuck
expect_rc 0
grep -Eq "^Reason:     download weights for $quiet$" <<<"$OUT" || fail "the stuck start's reason"
grep -Eq "^  download weights +$quiet\+ +running; no new log line for $quiet; vLLM logs no progress while it downloads$" <<<"$OUT" ||
  fail "the stuck start's running step"
run kubectl lm deploy phi-3-mini --name start -n lm-start-stuck --image registry.invalid/loading:1 --wait --timeout 3s
expect_rc 1
expect_err_contains "start: Loading: download weights for "
expect_err_contains "error: start is not ready after 3s: Loading: download weights for "

test_case "CUDA out of memory while loading: the failure, in vLLM's words"
run kubectl lm status start -n lm-start-oom
expect_rc 0
expect_out_contains "Reason:     CUDA out of memory: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 80.00 MiB."
expect_out_contains "  failed: CUDA out of memory: torch.OutOfMemoryError"
grep -q "^  load weights .*loading weights: shard 1/37" <<<"$OUT" && fail "a failed start has no running step"
run kubectl lm status start -n lm-start-oom -o json
[[ $(json_get 'd["items"][0]["timeline"]["failure"]' <<<"$OUT") == "CUDA out of memory: torch.OutOfMemoryError"* ]] ||
  fail "the timeline's failure in JSON"

finish
