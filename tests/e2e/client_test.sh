#!/usr/bin/env bash
# The kube client against the real kube-apiserver: plugin discovery through
# real kubectl, TLS verification (CA, hostname, tls-server-name), each kind
# of user, and one-line errors for configurations that cannot work.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

server=$(kubectl config view --raw -o jsonpath='{.clusters[0].cluster.server}')
ca=$(kubectl config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority}')
port=${server##*:}
admin_user=$(kubectl config view --raw -o jsonpath='{.contexts[?(@.name=="admin")].context.user}')
cert=$(kubectl config view --raw -o jsonpath="{.users[?(@.name==\"$admin_user\")].user.client-certificate}")
key=$(kubectl config view --raw -o jsonpath="{.users[?(@.name==\"$admin_user\")].user.client-key}")
T=$E2E_TMP/client
mkdir -p "$T"

# kubeconfig NAME SERVER [extra cluster lines]: a one-user (admin) kubeconfig.
kubeconfig() {
  local file=$T/$1 srv=$2
  shift 2
  {
    echo "apiVersion: v1"
    echo "kind: Config"
    echo "current-context: c"
    echo "clusters:"
    echo "- name: c"
    echo "  cluster:"
    echo "    server: $srv"
    for line in "$@"; do echo "    $line"; done
    echo "users: [{name: u, user: {client-certificate: $cert, client-key: $key}}]"
    echo "contexts: [{name: c, context: {cluster: c, user: u}}]"
  } > "$file"
  echo "$file"
}

test_case "kubectl finds the plugin and kubectl lm version reaches the server"
run kubectl plugin list
expect_out_contains "kubectl-lm"
run kubectl lm version
expect_rc 0
expect_out_contains "Client Version: v"
expect_out_contains "Server Version: v1.36.3"

test_case "every kind of user is accepted: client certificate, token, exec plugin"
for ctx in admin viewer exec; do
  run kubectl lm version --context "$ctx" -v=6
  expect_rc 0 "context $ctx"
  expect_out_contains "Server Version: v1.36.3"
  expect_err_contains "GET $server/version 200 OK"
done

test_case "the kubeconfig's CA is trusted, and only it"
run kubectl lm version --kubeconfig "$(kubeconfig good "$server" "certificate-authority: $ca")"
expect_rc 0
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/other.key" -out "$T/other-ca.crt" -days 1 \
  -subj "/CN=not-the-cluster-ca" >/dev/null 2>&1
run kubectl lm version --kubeconfig "$(kubeconfig wrongca "$server" "certificate-authority: $T/other-ca.crt")"
expect_rc 1
expect_err_contains "Unable to connect to the server: tls: failed to verify certificate"
expect_err_contains "check certificate-authority"
expect_err_lines 1
# With no CA at all only the system roots are used, which never signed the cluster's.
run kubectl lm version --kubeconfig "$(kubeconfig noca "$server")"
expect_rc 1
expect_err_contains "failed to verify certificate"
# SSL_CERT_FILE names the system roots, as for Go programs: there, the cluster's CA is one.
run env SSL_CERT_FILE="$ca" kubectl lm version --kubeconfig "$T/noca"
expect_rc 0
mkdir -p "$T/certdir"
cp "$ca" "$T/certdir/cluster-ca.pem"
openssl rehash "$T/certdir" 2>/dev/null || c_rehash "$T/certdir" >/dev/null
run env SSL_CERT_FILE=/nonexistent SSL_CERT_DIR="/nonexistent:$T/certdir" kubectl lm version --kubeconfig "$T/noca"
expect_rc 0

test_case "the host name is checked, and tls-server-name replaces it"
run kubectl lm version --kubeconfig "$(kubeconfig byname "https://localhost:$port" "certificate-authority: $ca")"
expect_rc 0
run kubectl lm version --kubeconfig "$(kubeconfig wrongname "$server" "certificate-authority: $ca" "tls-server-name: api.example.com")"
expect_rc 1
expect_err_contains "the certificate is not valid for \"api.example.com\""
run kubectl lm version --kubeconfig "$(kubeconfig rightname "$server" "certificate-authority: $ca" "tls-server-name: localhost")"
expect_rc 0
expect_out_contains "Server Version: v1.36.3"
run kubectl lm version --kubeconfig "$T/wrongname" --tls-server-name kubernetes.default.svc.cluster.local
expect_rc 0

test_case "insecure-skip-tls-verify is honoured, with a warning"
run kubectl lm version --kubeconfig "$T/wrongca" --insecure-skip-tls-verify
expect_rc 0
expect_err_contains "Warning: insecure-skip-tls-verify is set"

test_case "a refused connection, a malformed kubeconfig and a missing context are one line each"
run kubectl lm version --kubeconfig "$(kubeconfig closed "https://127.0.0.1:1" "certificate-authority: $ca")"
expect_rc 1
expect_err_contains "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?"
expect_err_lines 1
printf 'clusters: [\n - {name: x\n' > "$T/malformed"
run kubectl lm version --kubeconfig "$T/malformed"
expect_rc 1
expect_err_contains "error: error loading config file \"$T/malformed\""
expect_err_lines 1
run kubectl lm version --context nope
expect_rc 1
expect_eq "$ERR" 'error: context "nope" does not exist (see kubectl config get-contexts)'

test_case "a request that outlives --request-timeout fails with the reason"
# A listener that accepts and never answers: the handshake must time out.
python3 -c '
import socket, time, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept(); time.sleep(30)' > "$T/silent.port" &
silent=$!
for _ in $(seq 50); do [ -s "$T/silent.port" ] && break; sleep 0.1; done
run kubectl lm version --kubeconfig "$(kubeconfig silent "https://127.0.0.1:$(cat "$T/silent.port")" "certificate-authority: $ca")" --request-timeout=1s
kill "$silent" 2>/dev/null || true
expect_rc 1
expect_err_contains "timed out after 1"
expect_err_contains "--request-timeout"

test_case "proxy-url sends the connection through an HTTP CONNECT proxy, kept alive across requests"
python3 "$(dirname "$0")/connect-proxy.py" "$T/proxy.port" "$T/proxy.log" &
proxy=$!
for _ in $(seq 50); do [ -s "$T/proxy.port" ] && break; sleep 0.1; done
run kubectl lm nodes --kubeconfig "$(kubeconfig proxied "$server" "certificate-authority: $ca" "proxy-url: http://127.0.0.1:$(cat "$T/proxy.port")")" -v=6
expect_rc 0
expect_out_contains "gpu-h100-0"
# kubectl lm nodes makes two requests (nodes, then pods): one tunnel carries both.
expect_eq "$(cat "$T/proxy.log" 2>/dev/null)" "CONNECT 127.0.0.1:$port"
[ "$(grep -c ' 200 OK in ' <<<"$ERR")" -ge 2 ] || fail "expected at least two requests in the -v=6 log"
# HTTPS_PROXY is never used for a loopback server, as Go's httpproxy rules say.
: > "$T/proxy.log"
run env HTTPS_PROXY="http://127.0.0.1:$(cat "$T/proxy.port")" kubectl lm version
expect_rc 0
expect_eq "$(cat "$T/proxy.log")" ""
kill "$proxy" 2>/dev/null || true

test_case "tokens never reach the log, even at -v=10"
token=$(kubectl config view --raw -o jsonpath='{.users[?(@.name=="viewer")].user.token}')
run kubectl lm version --context viewer -v=10
expect_rc 0
expect_err_contains "Authorization: Bearer <masked>"
[[ $ERR != *"$token"* ]] || fail "the viewer's token appeared in the -v=10 log"
[[ $ERR != *"${token:0:20}"* ]] || fail "part of the viewer's token appeared in the -v=10 log"

test_case "the exec plugin gets KUBERNETES_EXEC_INFO and a missing plugin prints its install hint"
cat > "$T/exec-kubeconfig" <<YAML
apiVersion: v1
kind: Config
current-context: c
clusters: [{name: c, cluster: {server: "$server", certificate-authority: $ca}}]
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: $E2E_TESTDATA/exec-plugin
      interactiveMode: Never
      env:
      - {name: PLUGIN_TOKEN_FILE, value: "$(kubectl config view --raw -o jsonpath='{.users[?(@.name=="exec-user")].user.exec.env[0].value}')"}
      - {name: EXPECT_INFO, value: '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","spec":{"interactive":false}}'}
- name: missing
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: kubelogin-is-not-here, interactiveMode: Never, installHint: "install kubelogin: az aks install-cli"}
contexts: [{name: c, context: {cluster: c, user: u}}, {name: m, context: {cluster: c, user: missing}}]
YAML
run kubectl lm version --kubeconfig "$T/exec-kubeconfig"
expect_rc 0
run kubectl lm version --kubeconfig "$T/exec-kubeconfig" --context m
expect_rc 1
expect_eq "$ERR" "error: getting credentials: exec: executable kubelogin-is-not-here not found: install kubelogin: az aks install-cli"


test_case "a 1 KiB kubeconfig whose nested aliases stand for 10^9 values is refused at once"
{
  echo "current-context: c"
  echo "clusters:"
  echo "- name: c"
  echo "  cluster:"
  echo "    server: $server"
  echo "    extensions:"
  echo "    - name: client.authentication.k8s.io/exec"
  echo "      extension:"
  echo "        a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"
  for i in 1 2 3 4 5 6 7 8; do
    echo "        a$i: &a$i [*a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1))]"
  done
  echo "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/true, interactiveMode: Never}}}]"
  echo "contexts: [{name: c, context: {cluster: c, user: u}}]"
} > "$T/alias-bomb"
run timeout 10 kubectl lm version --kubeconfig "$T/alias-bomb"
expect_rc 1
expect_err_contains "the YAML expands to more than 100000 values"
expect_err_lines 1

finish
