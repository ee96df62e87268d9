#!/usr/bin/env bash
# Races on the real control plane: a Service of deploy's name created by
# someone else between deploy's check and its create (through
# race-proxy.py, which only decides when; the API server answers), and two
# deploys of one name at once. deploy must never merge into, or delete,
# what it did not create.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

labels() { kubectl get nodes -o 'jsonpath={range .items[*]}{.metadata.name} {.metadata.labels}{"\n"}{end}'; }

T=$(mktemp -d)
SERVER_PID=""
trap '[ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null; rm -rf "$T"' EXIT
start_tls_server "$T" "$HERE/race-proxy.py" "$E2E_KUBECONFIG" /services \
  "kubectl create service clusterip e2e-race --tcp=81:81 -n default >/dev/null"
cat >"$T/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: proxy
  cluster: {server: "https://127.0.0.1:$SERVER_PORT", certificate-authority: $T/crt}
users:
- name: through-proxy
  user: {token: the-proxy-authenticates-upstream}
contexts:
- name: proxy
  context: {cluster: proxy, user: through-proxy, namespace: default}
current-context: proxy
YAML

test_case "a Service that appears between deploy's check and its create is refused, and left as it was"
before=$(labels)
run kubectl lm deploy phi-3-mini --name e2e-race --kubeconfig "$T/kubeconfig"
expect_rc 1
expect_err_contains "service/e2e-race appeared after deploy looked, and not by this run: it is left as it is"
grep -q "^GET /api/v1/namespaces/default/services/e2e-race 404$" "$T/port.log" || fail "deploy did not look first"
grep -q "^POST /api/v1/namespaces/default/services 409$" "$T/port.log" || fail "the create did not lose the race"
svc=$(kubectl get service e2e-race -n default --show-managed-fields -o json)
expect_eq "$(json_get 'sorted(m["manager"] for m in d["metadata"]["managedFields"])' <<<"$svc")" "['kubectl-create']"
expect_eq "$(json_get '(d["metadata"].get("labels"), [p["port"] for p in d["spec"]["ports"]])' <<<"$svc")" \
  "({'app': 'e2e-race'}, [81])"
expect_eq "$(labels)" "$before" "(node labels after the refused deploy)"
run kubectl get deployment e2e-race -n default
expect_rc 1
kubectl delete service e2e-race -n default >/dev/null

test_case "two deploys of one name at once: neither deletes what the other made"
kubectl lm deploy phi-3-mini --name e2e-twin >"$T/a.out" 2>"$T/a.err" &
a=$!
kubectl lm deploy phi-3-mini --name e2e-twin >"$T/b.out" 2>"$T/b.err" &
b=$!
rc_a=0 rc_b=0
wait "$a" || rc_a=$?
wait "$b" || rc_b=$?
# Whichever lost the race to create says so and undoes only its own part;
# what the winner made stays whole.
[ "$rc_a" -eq 0 ] || [ "$rc_b" -eq 0 ] || fail "neither deploy succeeded: $(cat "$T/a.err" "$T/b.err")"
run kubectl get service/e2e-twin deployment/e2e-twin -n default -o name
expect_rc 0
expect_out_contains "service/e2e-twin"
expect_out_contains "deployment.apps/e2e-twin"
run kubectl lm delete e2e-twin
expect_rc 0

finish
