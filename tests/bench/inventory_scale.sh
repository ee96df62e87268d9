#!/usr/bin/env bash
# Benchmark (not a test): the cost of `kubectl lm nodes` on a large cluster
# against the floor, the API server's own speed. It starts its own control
# plane (the e2e cluster's recipe, under another name), creates NODES/5 GPU
# nodes with PODS/5 pods bound to them, measures, grows the cluster to NODES
# and PODS, and measures again. Each time, in the same run:
#   floor       tests/bench/floor_client.py: a minimal keep-alive reader of
#               the very pages kubectl-lm asks for (protobuf), throwing the
#               bytes away
#   floor-json  the same reader asking for the same lists as JSON, as
#               kubectl get does (and kubectl-lm did before it read protobuf)
#   floor-curl  curl (C, libcurl and OpenSSL) reading the same two lists
#               as protobuf unpaged, one answer each on one connection: the
#               CPU that receiving those bytes costs a client that does
#               nothing else
#   nodes       kubectl lm nodes (the table)
#   nodes-json  kubectl lm nodes -o json
# five runs each, alternating, once the API server is idle again; medians
# of wall time, CPU (user + system), peak RSS and the API server's CPU
# during the run, and the ratios to both floors; then kubectl get nodes -o
# json and kubectl get pods -A -o json once each.
#
#   tests/bench/inventory_scale.sh BUILD_DIR [NODES [PODS]]   (default 5000 50000)
#
# Targets (issue 16): nodes wall <= 1.05x the floor's, CPU <= 0.5x the
# floor's; nodes-json peak RSS <= 24 MiB and within 2 MiB from the small
# cluster to the large one.
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
"$CLUSTER" down >/dev/null 2>&1 || true  # a cluster of that name left by another run would add its objects
"$CLUSTER" up
export KUBECONFIG
KUBECONFIG=$("$CLUSTER" kubeconfig)
BIN=$("$CLUSTER" bin)
export PATH=$BUILD_DIR:$BIN:$PATH
T=$(mktemp -d)

# create FROM_NODES TO_NODES FROM_PODS TO_PODS: nodes and pods in those index
# ranges; pod i is bound to node i % TO_NODES.
create() {
  echo "bench: creating nodes $1..$2 and pods $3..$4" >&2
  rm -f "$T"/nodes-*.json "$T"/pods-*.json
  python3 - "$@" "$T" <<'PY'
import json, sys
n0, n1, p0, p1, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def write(name, items):
    with open(f"{out}/{name}", "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
batch = []
for i in range(n0, n1):
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
for i in range(p0, p1):
    batch.append({"apiVersion": "v1", "kind": "Pod",
                  "metadata": {"name": f"bench-pod-{i:06d}", "namespace": "default", "labels": {"app": "bench"}},
                  "spec": {"nodeName": f"bench-{i % n1:05d}",
                           "containers": [{"name": "main", "image": "registry.example/none:1",
                                           "resources": {"limits": {"nvidia.com/gpu": "1"} if i % 10 == 0 else {}}}]}})
    if len(batch) == 500:
        write(f"pods-{i:06d}.json", batch); batch = []
if batch: write("pods-last.json", batch)
PY
  local start f
  start=$(date +%s)
  for f in "$T"/nodes-*.json; do [ ! -e "$f" ] || kubectl create -f "$f" >/dev/null; done
  for f in "$T"/pods-*.json; do [ ! -e "$f" ] || kubectl create -f "$f" >/dev/null; done
  echo "bench: created in $(( $(date +%s) - start ))s" >&2
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
APISERVER=$(pgrep -f "kube-apiserver .*clusters/$KUBECTL_LM_CLUSTER/" | head -1)
[ -n "$APISERVER" ] || { echo "bench: no kube-apiserver process of $KUBECTL_LM_CLUSTER found" >&2; exit 1; }
TICKS=$(getconf CLK_TCK)
server_ticks() { awk '{ print $14 + $15 }' "/proc/$APISERVER/stat"; }
# once LABEL COMMAND...: one run, "wall cpu rss_kib server_cpu" appended to
# $T/LABEL (server_cpu: the API server's user + system CPU meanwhile).
once() {
  local label=$1 before
  shift
  before=$(server_ticks)
  /usr/bin/time -f "%e %U %S %M" -o "$T/time" "$@" > "$T/out" 2>/dev/null
  read -r wall user sys rss < "$T/time"
  echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') $rss" \
    "$(awk -v a="$before" -v b="$(server_ticks)" -v t="$TICKS" 'BEGIN { printf "%.2f", (b - a) / t }')" >> "$T/$label"
}
# settle: until the API server has spent under a tenth of a core for 2 s
# (after a bulk creation it digests for a while: its watch cache, etcd's
# compaction), at most 3 minutes: its busy spells are not ours to measure.
settle() {
  local before _
  for _ in $(seq 90); do
    before=$(server_ticks)
    sleep 2
    [ $(($(server_ticks) - before)) -ge $((TICKS / 5)) ] || return 0
  done
  echo "bench: the API server is still busy after 3 minutes; measuring anyway" >&2
}
col() { awk -v c="$2" '{ print $c }' "$T/$1" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# measure SIZE: five alternating runs of the floors and ours, then kubectl.
measure() {
  rm -f "$T"/floor "$T"/floor-json "$T"/floor-curl "$T"/nodes "$T"/nodes-json "$T"/kubectl-*
  for _ in 1 2 3 4 5; do
    once floor python3 "$HERE/floor_client.py" "$T/config.json" protobuf
    once nodes kubectl-lm nodes
    once floor-json python3 "$HERE/floor_client.py" "$T/config.json" json
    once floor-curl curl -sS --http1.1 --cacert "$CA" --cert "$CERT" --key "$KEY" \
      -H "Accept: application/vnd.kubernetes.protobuf" -o /dev/null "$SERVER/api/v1/nodes" \
      -o /dev/null "$SERVER/api/v1/pods?fieldSelector=spec.nodeName%21%3D%2Cstatus.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed"
    once nodes-json kubectl-lm nodes -o json
  done
  once kubectl-nodes kubectl get nodes -o json
  once kubectl-pods kubectl get pods -A -o json
  local fw fc jw jc label
  fw=$(col floor 1) fc=$(col floor 2) jw=$(col floor-json 1) jc=$(col floor-json 2)
  echo "$1 (medians of 5; ratios to the floor, protobuf, and to floor-json)"
  printf '  %-14s %7s %6s %8s %11s %11s %10s %10s %10s\n' "" "wall s" "CPU s" "RSS MiB" "server CPU" \
    "wall/floor" "CPU/floor" "wall/json" "CPU/json"
  for label in floor floor-json floor-curl nodes nodes-json kubectl-nodes kubectl-pods; do
    printf '  %-14s %7s %6s %8s %11s %11s %10s %10s %10s\n' "$label" "$(col $label 1)" "$(col $label 2)" \
      "$(mib "$(col $label 3)")" "$(col $label 4)" "$(ratio "$(col $label 1)" "$fw")" \
      "$(ratio "$(col $label 2)" "$fc")" "$(ratio "$(col $label 1)" "$jw")" "$(ratio "$(col $label 2)" "$jc")"
  done
  col nodes-json 3 > "$T/json-rss-$2"
}
kubectl config view --raw --minify -o json > "$T/config.json"
read -r SERVER CA CERT KEY < <(python3 - "$T" <<'PY'
import base64, json, os, sys
c = json.load(open(sys.argv[1] + "/config.json"))
cluster, user = c["clusters"][0]["cluster"], c["users"][0]["user"]
def path(entry, field):
    if entry.get(field + "-data"):
        p = os.path.join(sys.argv[1], field)
        open(p, "wb").write(base64.b64decode(entry[field + "-data"]))
        return p
    return entry[field]
print(cluster["server"], path(cluster, "certificate-authority"), path(user, "client-certificate"), path(user, "client-key"))
PY
)
echo "bench: floor = tests/bench/floor_client.py; API server pid $APISERVER; $(nproc) cores; $(date -u +%F)"
small_nodes=$((NODES / 5)) small_pods=$((PODS / 5))
create 0 "$small_nodes" 0 "$small_pods"
settle
measure "$small_nodes nodes, $small_pods pods" small
create "$small_nodes" "$NODES" "$small_pods" "$PODS"
settle
measure "$NODES nodes, $PODS pods" large
small_rss=$(cat "$T/json-rss-small") large_rss=$(cat "$T/json-rss-large")
echo "nodes -o json peak RSS: $(mib "$small_rss") MiB at $small_nodes nodes, $(mib "$large_rss") MiB at $NODES" \
  "(difference $(mib $((large_rss - small_rss))) MiB)"
if [ -n "${STATIC_BIN:-}" ]; then
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
