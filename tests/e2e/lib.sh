# shellcheck shell=bash
# Helpers for the e2e tests: run a command, keep its output and status, and
# assert on them. Each failed assertion is reported and counted; a test file
# fails when any of its assertions failed.
FAILURES=0
OUT=""
ERR=""
RC=0

# run CMD...: runs it, capturing stdout in $OUT, stderr in $ERR, status in $RC.
run() {
  local o e
  o=$(mktemp) e=$(mktemp)
  set +e
  "$@" >"$o" 2>"$e"
  RC=$?
  set -e
  OUT=$(cat "$o") ERR=$(cat "$e")
  rm -f "$o" "$e"
}

fail() {
  echo "  FAIL: $*" >&2
  echo "    command status: $RC" >&2
  echo "    stdout: ${OUT:0:2000}" >&2
  echo "    stderr: ${ERR:0:2000}" >&2
  FAILURES=$((FAILURES + 1))
}

expect_rc() { [ "$RC" -eq "$1" ] || fail "${2:-} expected exit status $1"; }
expect_out_contains() { [[ $OUT == *"$1"* ]] || fail "stdout should contain: $1"; }
expect_out_lacks() { [[ $OUT != *"$1"* ]] || fail "stdout should not contain: $1"; }
expect_err_contains() { [[ $ERR == *"$1"* ]] || fail "stderr should contain: $1"; }
expect_err_lacks() { [[ $ERR != *"$1"* ]] || fail "stderr should not contain: $1"; }
expect_err_lines() { [ "$(printf '%s\n' "$ERR" | grep -c .)" -eq "$1" ] || fail "stderr should have $1 line(s)"; }
# json_get EXPR: EXPR in Python, over the JSON document on stdin as d.
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

expect_eq() { [ "$1" == "$2" ] || fail "expected '$2', got '$1' ${3:-}"; }

# hold_h100 NAMESPACE REPLICAS: a Deployment e2e-hold-h100 whose REPLICAS
# pods each hold one of gpu-h100-0's GPUs; returns when they all run.
hold_h100() {
  cat <<YAML | kubectl apply -f - >/dev/null
apiVersion: apps/v1
kind: Deployment
metadata: {name: e2e-hold-h100, namespace: $1}
spec:
  replicas: $2
  selector: {matchLabels: {app: e2e-hold-h100}}
  template:
    metadata: {labels: {app: e2e-hold-h100}}
    spec:
      nodeSelector: {kubernetes.io/hostname: gpu-h100-0}
      tolerations:
      - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
      - {key: sku, operator: Equal, value: gpu, effect: NoSchedule}
      containers:
      - {name: main, image: registry.example/none:1, resources: {limits: {nvidia.com/gpu: 1}}}
YAML
  kubectl wait --for=jsonpath='{.status.availableReplicas}'="$2" deployment/e2e-hold-h100 -n "$1" --timeout=90s >/dev/null
}

# start_tls_server DIR SCRIPT ARGS...: a self-signed certificate for
# 127.0.0.1 in DIR/crt and DIR/key, and `python3 SCRIPT DIR/port DIR/crt
# DIR/key ARGS...` serving with it in the background; sets SERVER_PID and
# SERVER_PORT once it listens.
# shellcheck disable=SC2034  # SERVER_PID and SERVER_PORT are for the caller
start_tls_server() {
  local dir=$1 script=$2
  shift 2
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key" -out "$dir/crt" -days 1 \
    -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
  python3 "$script" "$dir/port" "$dir/crt" "$dir/key" "$@" &
  SERVER_PID=$!
  for _ in $(seq 50); do [ -s "$dir/port" ] && break; sleep 0.1; done
  SERVER_PORT=$(cat "$dir/port")
}

# test NAME: announces one case.
test_case() { echo "- $*"; }

finish() {
  if [ "$FAILURES" -gt 0 ]; then
    echo "$FAILURES assertion(s) failed" >&2
    exit 1
  fi
}

# Everything deploy could create, and every node label: compared before and
# after a command that must leave the cluster as it was.
snapshot() {
  kubectl get deployments,services,secrets,persistentvolumeclaims -A -l app.kubernetes.io/managed-by=kubectl-lm -o name
  kubectl get services,deployments -n default -o name
  kubectl get nodes -o 'jsonpath={range .items[*]}{.metadata.name} {.metadata.labels}{"\n"}{end}'
}
