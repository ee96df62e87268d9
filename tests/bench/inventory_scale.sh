#!/usr/bin/env bash
# Benchmark (not a test): the cost of `kubectl lm nodes` on a large cluster,
# beside `kubectl get nodes -o json` and `kubectl get pods -A -o json`
# measured in the same run. It starts its own control plane (the e2e
# cluster's recipe, under another name), creates NODES GPU nodes and PODS
# pods bound to them, and prints wall time and peak RSS of each command.
#
#   tests/bench/inventory_scale.sh BUILD_DIR [NODES [PODS]]   (default 5000 50000)
#
# With STATIC_BIN (e.g. build/cross-linux-amd64/kubectl-lm from
# scripts/cross) it also compares that static musl binary with BUILD_DIR's
# glibc one: `nodes` and `version --client`, three runs each, alternating,
# and the ratio of the medians.
#
# Nodes are created without KWOK's annotation, so no fake kubelet runs for
# them and the 2-core machine spends itself on the API server; their pods
# stay Pending, bound, which is what the inventory counts.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIR=$(cd "${1:?usage: inventory_scale.sh BUILD_DIR [NODES [PODS]]}" && pwd)
NODES=${2:-5000}
PODS=${3:-50000}
export KUBECTL_LM_CLUSTER=lm-bench
CLUSTER=$HERE/../e2e/cluster
trap '"$CLUSTER" down' EXIT
"$CLUSTER" up
export KUBECONFIG
KUBECONFIG=$("$CLUSTER" kubeconfig)
BIN=$("$CLUSTER" bin)
export PATH=$BUILD_DIR:$BIN:$PATH
T=$(mktemp -d)

echo "bench: creating $NODES nodes and $PODS pods" >&2
python3 - "$NODES" "$PODS" "$T" <<'PY'
import json, sys
nodes, pods, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def write(name, items):
    with open(f"{out}/{name}", "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
batch = []
for i in range(nodes):
    gpus = [1, 2, 4, 8][i % 4]
    batch.append({"apiVersion": "v1", "kind": "Node",
                  "metadata": {"name": f"bench-{i:05d}", "labels": {
                      "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB", "nvidia.com/gpu.memory": "81920",
                      "nvidia.com/gpu.count": str(gpus), "node.kubernetes.io/instance-type": "Standard_ND96amsr_A100_v4",
                      "kubernetes.io/hostname": f"bench-{i:05d}", "team": "bench"}},
                  "status": {"capacity": {"cpu": "96", "memory": "900Gi", "pods": "110", "nvidia.com/gpu": str(gpus)},
                             "allocatable": {"cpu": "96", "memory": "900Gi", "pods": "110", "nvidia.com/gpu": str(gpus)}}})
    if len(batch) == 500:
        write(f"nodes-{i:05d}.json", batch); batch = []
if batch: write("nodes-last.json", batch)
batch = []
for i in range(pods):
    batch.append({"apiVersion": "v1", "kind": "Pod",
                  "metadata": {"name": f"bench-pod-{i:06d}", "namespace": "default", "labels": {"app": "bench"}},
                  "spec": {"nodeName": f"bench-{i % nodes:05d}",
                           "containers": [{"name": "main", "image": "registry.example/none:1",
                                           "resources": {"limits": {"nvidia.com/gpu": "1"} if i % 10 == 0 else {}}}]}})
    if len(batch) == 500:
        write(f"pods-{i:06d}.json", batch); batch = []
if batch: write("pods-last.json", batch)
PY
start=$(date +%s)
for f in "$T"/nodes-*.json; do kubectl create -f "$f" >/dev/null; done
for f in "$T"/pods-*.json; do kubectl create -f "$f" >/dev/null; done
echo "bench: created in $(( $(date +%s) - start ))s" >&2

measure() { # label, command...
  local label=$1
  shift
  /usr/bin/time -f "%e %M" -o "$T/time" "$@" > "$T/out" 2>/dev/null
  read -r wall rss < "$T/time"
  printf '%-40s %8ss %10s MiB %10s KiB output\n' "$label" "$wall" "$((rss / 1024))" "$(( $(wc -c < "$T/out") / 1024 ))"
}
echo "nodes=$NODES pods=$PODS (one run each, on $(nproc) cores)"
measure "kubectl lm nodes" kubectl-lm nodes
measure "kubectl lm nodes -o json" kubectl-lm nodes -o json
measure "kubectl get nodes -o json" kubectl get nodes -o json
measure "kubectl get pods -A -o json" kubectl get pods -A -o json
if [ -n "${STATIC_BIN:-}" ]; then
  median() { sort -n | sed -n 2p; }  # of three
  : > "$T/glibc" && : > "$T/static" && : > "$T/glibc-v" && : > "$T/static-v"
  for _ in 1 2 3; do
    for kind in glibc static; do
      bin=$BUILD_DIR/kubectl-lm
      [ "$kind" = glibc ] || bin=$STATIC_BIN
      /usr/bin/time -f "%e %M" -o "$T/time" "$bin" nodes > /dev/null 2>&1
      read -r wall rss < "$T/time"
      echo "$wall" >> "$T/$kind"
      echo "$rss" >> "$T/$kind-rss"
      /usr/bin/time -f "%e" -o "$T/time" "$bin" version --client > /dev/null 2>&1
      cat "$T/time" >> "$T/$kind-v"
    done
  done
  g=$(median < "$T/glibc") st=$(median < "$T/static")
  printf 'kubectl lm nodes, glibc build:  %s s (runs: %s), peak %s MiB\n' "$g" "$(tr '\n' ' ' < "$T/glibc")" "$(( $(median < "$T/glibc-rss") / 1024 ))"
  printf 'kubectl lm nodes, static musl:  %s s (runs: %s), peak %s MiB\n' "$st" "$(tr '\n' ' ' < "$T/static")" "$(( $(median < "$T/static-rss") / 1024 ))"
  printf 'static / glibc: %s\n' "$(awk -v a="$st" -v b="$g" 'BEGIN { printf "%.2f", a / b }')"
  printf 'version --client: glibc %s s, static %s s (medians)\n' "$(median < "$T/glibc-v")" "$(median < "$T/static-v")"
fi
rm -rf "$T"
