#!/usr/bin/env bash
# deploy asks the Hugging Face Hub before it changes anything: a stand-in Hub
# on loopback (hub-server.py; HF_ENDPOINT points at it, its CA is trusted
# through SSL_CERT_FILE as users of a private Hub mirror would trust theirs)
# answers per repo with 200 and sizes, 401, 403 and 404. Each refusal is one
# line and exit status 1, the cluster is unchanged, and the token is in no
# output, even at -v=10.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$T"' EXIT
kubectl lm models -o json > "$T/catalog.json"
start_tls_server "$T" "$HERE/hub-server.py" "$T/requests.log" "$T/catalog.json"
export HF_ENDPOINT=https://127.0.0.1:$SERVER_PORT SSL_CERT_FILE=$T/crt
custom=(stand-in/Custom-7B --params 7 --layers 32 --heads 32 --kv-heads 8 --head-dim 128 --max-context 32768)

test_case "a custom model's size comes from the Hub (8e9 BF16 parameters, not --params 7)"
run kubectl lm deploy "${custom[@]}" --dry-run=client
expect_rc 0
with_hub=$(grep '^would label' <<<"$ERR")
run kubectl lm deploy "${custom[@]}" --dry-run=client --skip-hub-check
expect_rc 0
expect_err_contains "Warning: --skip-hub-check"
without=$(grep '^would label' <<<"$ERR")
[ "$with_hub" != "$without" ] || fail "the Hub's size changed nothing in the plan: $with_hub"

before=$(snapshot)
for c in "404:stand-in/Typo-7B:hf_some_token:the Hugging Face Hub has no model stand-in/Typo-7B (404): check the repo id" \
         "401:stand-in/Custom-7B:hf_revoked:the Hugging Face Hub refused the token for stand-in/Custom-7B (401)" \
         "403:meta-llama/Llama-3.1-8B-Instruct:hf_not_granted:the token may not read meta-llama/Llama-3.1-8B-Instruct (403): request access on $HF_ENDPOINT/meta-llama/Llama-3.1-8B-Instruct"; do
  IFS=: read -r code repo token message <<<"$c"
  test_case "$code from the Hub for $repo: one line, exit 1, nothing changed, the token nowhere at -v=10"
  model=$repo
  [ "$repo" != meta-llama/Llama-3.1-8B-Instruct ] || model=llama-3.1-8b
  args=("$model")
  [[ $model != */* ]] || args+=("${custom[@]:1}")
  HF_TOKEN=$token run kubectl lm deploy "${args[@]}" --hf-token-from-env -v=10
  expect_rc 1 "($code)"
  expect_eq "$(grep -cv '^I[0-9]' <<<"$ERR")" "1" "($code: one line besides the -v log)"
  expect_err_contains "error: $message"
  expect_err_contains "GET $HF_ENDPOINT/api/models/$repo"
  [[ "$OUT$ERR" != *"$token"* ]] || fail "the token $token appeared in the output"
  grep -q "Bearer $token\$" "$T/requests.log" || fail "the Hub never saw the token"
  expect_eq "$(snapshot)" "$before" "($code)"
done

test_case "the same gated model with a token that was granted access deploys (server-side dry run)"
HF_TOKEN=hf_some_token run kubectl lm deploy llama-3.1-8b --hf-token-from-env --dry-run=server
expect_rc 0
expect_out_contains "deployment.apps/llama-3-1-8b serverside-applied (server dry run)"

test_case "no Hub to reach: a warning, and deploy goes on"
HF_ENDPOINT=https://127.0.0.1:1 run kubectl lm deploy phi-3-mini --dry-run=client
expect_rc 0
expect_err_contains "Warning: could not reach the Hugging Face Hub"

finish
