#!/usr/bin/env bash
# The Deployment deploy renders, for every catalog model, passes the real
# API server's validation (server-side dry run) and matches the contract of
# the image's entrypoint (manifests/image/entrypoint.sh).
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
ENTRYPOINT=$(dirname "$0")/../../manifests/image/entrypoint.sh
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# The variables the entrypoint documents in its header.
documented=$(sed -n 's/^#   \(LM_[A-Z_]*\|HF_TOKEN\) .*/\1/p' "$ENTRYPOINT" | sort | tr '\n' ' ')
models=$(kubectl lm models -o json | json_get '" ".join(i["name"] for i in d["items"])')
export HF_TOKEN=hf_e2e_contract_check

for m in $models; do
  test_case "$m: server-side dry run, and the container keeps the image's contract"
  run kubectl lm deploy "$m" --name contract --dry-run=server --hf-token-from-env
  expect_rc 0 "($m)"
  run kubectl lm deploy "$m" --name contract --dry-run=client -o json --hf-token-from-env
  expect_rc 0 "($m)"
  dep=$(json_get 'json.dumps([i for i in d["items"] if i["kind"]=="Deployment"][0])' <<<"$OUT")
  c='d["spec"]["template"]["spec"]["containers"][0]'
  for var in $(json_get "' '.join(e['name'] for e in ${c}['env'] if e['name'] != 'HF_HOME')" <<<"$dep"); do
    [[ " $documented" == *" $var "* ]] || fail "$m: env $var is not in the entrypoint's contract"
  done
  expect_eq "$(json_get "${c}['ports'][0]['containerPort']" <<<"$dep")" "8000" "($m port)"
  expect_eq "$(json_get "[${c}[p]['httpGet']['path'] for p in ('startupProbe','readinessProbe','livenessProbe')]" <<<"$dep")" \
    "['/health', '/health', '/health']" "($m probes)"
  tp=$(json_get "[e['value'] for e in ${c}['env'] if e['name']=='LM_TENSOR_PARALLEL'][0]" <<<"$dep")
  shm=$(json_get "any(v['mountPath']=='/dev/shm' for v in ${c}['volumeMounts'])" <<<"$dep")
  if [ "$tp" -gt 1 ]; then expect_eq "$shm" "True" "($m TP $tp needs /dev/shm)"; else expect_eq "$shm" "False" "($m TP 1)"; fi
done

test_case "TP 2 mounts a memory-backed /dev/shm"
run kubectl lm deploy qwen2.5-7b --name contract --tensor-parallel 2 --dry-run=client -o json
expect_rc 0
dep=$(json_get 'json.dumps([i for i in d["items"] if i["kind"]=="Deployment"][0])' <<<"$OUT")
expect_eq "$(json_get '[v.get("emptyDir",{}).get("medium") for v in d["spec"]["template"]["spec"]["volumes"] if v["name"]=="dshm"]' <<<"$dep")" "['Memory']"
run kubectl lm deploy qwen2.5-7b --name contract --tensor-parallel 2 --dry-run=server
expect_rc 0

finish
