#!/usr/bin/env bash
# The Deployment deploy renders, for every catalog model, passes the real
# API server's validation (server-side dry run) and runs the server's whole
# command line itself (gpu::ServerCommand): `vllm serve REPO ...`, which the
# upstream vllm/vllm-openai image (deploy's default) and the project's own
# image (manifests/image, selectable with --image) both run unmodified.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
DOCKERFILE=$(dirname "$0")/../../manifests/image/Dockerfile

models=$(kubectl lm models -o json | json_get '" ".join(i["name"] for i in d["items"])')
export HF_TOKEN=hf_e2e_contract_check
c='d["spec"]["template"]["spec"]["containers"][0]'

for m in $models; do
  test_case "$m: server-side dry run, and the container runs vllm serve with the plan"
  run kubectl lm deploy "$m" --name contract --dry-run=server --hf-token-from-env
  expect_rc 0 "($m)"
  run kubectl lm deploy "$m" --name contract --dry-run=client -o json --hf-token-from-env
  expect_rc 0 "($m)"
  dep=$(json_get 'json.dumps([i for i in d["items"] if i["kind"]=="Deployment"][0])' <<<"$OUT")
  repo=$(json_get 'd["metadata"]["annotations"]["kubectl-lm.io/model-repo"]' <<<"$dep")
  expect_eq "$(json_get "${c}['command']" <<<"$dep")" "['vllm', 'serve']" "($m command)"
  expect_eq "$(json_get "${c}['args'][0]" <<<"$dep")" "$repo" "($m model)"
  expect_eq "$(json_get "${c}['args'][${c}['args'].index('--served-model-name') + 1]" <<<"$dep")" "$m" "($m served name)"
  # Everything the server is told is on its command line: the environment
  # holds only where caches go, telemetry off, and the token's reference.
  expect_eq "$(json_get "sorted(e['name'] for e in ${c}['env'])" <<<"$dep")" \
    "['DO_NOT_TRACK', 'HF_HOME', 'HF_HUB_DISABLE_TELEMETRY', 'HF_TOKEN', 'HOME', 'VLLM_CACHE_ROOT']" "($m env)"
  expect_eq "$(json_get "${c}['ports'][0]['containerPort']" <<<"$dep")" \
    "$(json_get "${c}['args'][${c}['args'].index('--port') + 1]" <<<"$dep")" "($m port)"
  expect_eq "$(json_get "[${c}[p]['httpGet']['path'] for p in ('startupProbe','readinessProbe','livenessProbe')]" <<<"$dep")" \
    "['/health', '/health', '/health']" "($m probes)"
  tp=$(json_get "${c}['args'][${c}['args'].index('--tensor-parallel-size') + 1]" <<<"$dep")
  expect_eq "$(json_get "${c}['resources']['limits']['nvidia.com/gpu']" <<<"$dep")" "$tp" "($m GPUs = TP)"
  shm=$(json_get "any(v['mountPath']=='/dev/shm' for v in ${c}['volumeMounts'])" <<<"$dep")
  if [ "$tp" -gt 1 ]; then expect_eq "$shm" "True" "($m TP $tp needs /dev/shm)"; else expect_eq "$shm" "False" "($m TP 1)"; fi
done

test_case "the default image is upstream vLLM pinned by digest, and the project's image builds on the same one"
run kubectl lm deploy phi-3-mini --name contract --dry-run=client -o json
expect_rc 0
image=$(json_get "[i for i in d['items'] if i['kind']=='Deployment'][0]['spec']['template']['spec']['containers'][0]['image']" <<<"$OUT")
[[ $image == docker.io/vllm/vllm-openai:*@sha256:* ]] || fail "default image $image is not upstream vLLM pinned by digest"
expect_eq "$(sed -n 's/^FROM //p' "$DOCKERFILE")" "$image" "(Dockerfile FROM)"
# The project's image adds no entrypoint of its own: its ENTRYPOINT is the
# Deployment's command, so `docker run` and the pod run the same thing.
expect_eq "$(sed -n 's/^ENTRYPOINT //p' "$DOCKERFILE")" '["vllm", "serve"]' "(Dockerfile ENTRYPOINT)"
run kubectl lm deploy phi-3-mini --name contract --image ghcr.io/kubectl-lm/vllm-openai:v0.1.0 --dry-run=server
expect_rc 0

test_case "--server-arg reaches the command line; one that would contradict the plan is refused"
run kubectl lm deploy phi-3-mini --name contract --server-arg=--enable-prefix-caching --dry-run=client -o json
expect_rc 0
expect_eq "$(json_get "[i for i in d['items'] if i['kind']=='Deployment'][0]['spec']['template']['spec']['containers'][0]['args'][-1]" <<<"$OUT")" \
  "--enable-prefix-caching"
run kubectl lm deploy phi-3-mini --name contract --server-arg=--max-model-len=100000
expect_rc 1
expect_err_lines 1
expect_err_contains "deploy sets --max-model-len from its plan"

test_case "TP 2 mounts a memory-backed /dev/shm"
run kubectl lm deploy qwen2.5-7b --name contract --tensor-parallel 2 --dry-run=client -o json
expect_rc 0
dep=$(json_get 'json.dumps([i for i in d["items"] if i["kind"]=="Deployment"][0])' <<<"$OUT")
expect_eq "$(json_get '[v.get("emptyDir",{}).get("medium") for v in d["spec"]["template"]["spec"]["volumes"] if v["name"]=="dshm"]' <<<"$dep")" "['Memory']"
run kubectl lm deploy qwen2.5-7b --name contract --tensor-parallel 2 --dry-run=server
expect_rc 0

finish
