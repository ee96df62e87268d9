#!/usr/bin/env bash
# kubectl lm pull: a model cache that outlives deployments, on the real
# control plane. The cluster has no volume provisioner and KWOK runs no
# containers, so this proves the objects (the claim's size, class and access
# mode; the Job's image, downloader, token reference and security context;
# the Deployment's read-only mount), the ownership rules and what delete
# removes — not that the download itself runs (the release workflow's
# image check runs the image; huggingface_hub's snapshot_download is what
# vLLM itself calls).
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

cleanup() {
  for n in e2e-c1 e2e-c2 e2e-q; do kubectl lm delete "$n" >/dev/null 2>&1 || true; done
  for m in phi-3-mini llama-3.1-8b; do kubectl lm delete --cache "$m" >/dev/null 2>&1 || true; done
  kubectl delete pvc lm-cache-qwen2-5-7b --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

cache=lm-cache-phi-3-mini-4k

test_case "pull makes a claim sized from the weights and a non-root Job that downloads into it"
run kubectl lm pull phi-3-mini --storage-class standard
expect_rc 0
expect_out_contains "persistentvolumeclaim/$cache created"
expect_out_contains "job.batch/$cache created"
pvc=$(kubectl get pvc "$cache" -o json)
# 7.12 GiB of weights, a tenth more and 1 GiB: 8.8, rounded up.
expect_eq "$(json_get '(d["spec"]["resources"]["requests"]["storage"], d["spec"]["storageClassName"], d["spec"]["accessModes"])' <<<"$pvc")" \
  "('9Gi', 'standard', ['ReadWriteOnce'])"
expect_eq "$(json_get 'd["metadata"]["labels"]["kubectl-lm.io/cache"]' <<<"$pvc")" "$cache"
job=$(kubectl get job "$cache" -o json)
expect_eq "$(json_get 'd["spec"]["template"]["spec"]["containers"][0]["image"]' <<<"$job")" \
  "$(kubectl lm version --client -o json | json_get 'd["clientVersion"]["defaultImage"]')" "(deploy's image)"
expect_eq "$(json_get 'd["spec"]["template"]["spec"]["containers"][0]["args"][:2]' <<<"$job")" "['microsoft/Phi-3-mini-4k-instruct', '*.safetensors']"
expect_eq "$(json_get '(d["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"], d["spec"]["template"]["spec"]["securityContext"]["runAsUser"])' <<<"$job")" "(True, 2000)"
expect_eq "$(json_get '[e["name"] for e in d["spec"]["template"]["spec"]["containers"][0]["env"]]' <<<"$job")" \
  "['HOME', 'HF_HOME', 'HF_HUB_CACHE', 'HF_HUB_DISABLE_TELEMETRY', 'DO_NOT_TRACK']"
expect_eq "$(json_get 'd["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"]' <<<"$job")" "$cache"

test_case "a gated model's token reaches the Job only through a Secret, and never the output"
HF_TOKEN=hf_e2eCACHEtoken123 run kubectl lm pull llama-3.1-8b --hf-token-from-env -v=10
expect_rc 0
expect_out_contains "secret/lm-cache-llama-3-1-8b-hf-token created"
[[ $OUT$ERR != *hf_e2eCACHEtoken123* ]] || fail "the token was printed"
expect_eq "$(kubectl get job lm-cache-llama-3-1-8b -o json | json_get '[e["valueFrom"]["secretKeyRef"] for e in d["spec"]["template"]["spec"]["containers"][0]["env"] if e["name"] == "HF_TOKEN"]')" \
  "[{'key': 'token', 'name': 'lm-cache-llama-3-1-8b-hf-token'}]"
run kubectl lm pull llama-3.1-8b
expect_rc 1
expect_err_contains "is gated: request access"

test_case "a claim smaller than the weights is refused, and nothing changes"
before=$(snapshot)
run kubectl lm pull qwen2.5-7b --size 5Gi
expect_rc 1
expect_err_lines 1
expect_err_contains "error: --size 5Gi is smaller than qwen2.5-7b's weights (14.2 GiB): give at least 17Gi; nothing was changed"
expect_eq "$(snapshot)" "$before"

test_case "re-running pull changes nothing"
rv=$(kubectl get job "$cache" -o 'jsonpath={.metadata.resourceVersion}')
run kubectl lm pull phi-3-mini --storage-class standard
expect_rc 0
expect_out_lacks "created"
expect_eq "$(kubectl get job "$cache" -o 'jsonpath={.metadata.resourceVersion}')" "$rv" "(the Job)"

test_case "deploy mounts the cache read-only, and a second deploy of the model reuses it"
run kubectl lm deploy phi-3-mini --name e2e-c1
expect_rc 0
dep=$(kubectl get deployment e2e-c1 -o json)
expect_eq "$(json_get '[v for v in d["spec"]["template"]["spec"]["volumes"] if v["name"] == "weights"]' <<<"$dep")" \
  "[{'name': 'weights', 'persistentVolumeClaim': {'claimName': '$cache', 'readOnly': True}}]"
expect_eq "$(json_get '[(m["mountPath"], m["readOnly"]) for m in d["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] if m["name"] == "weights"]' <<<"$dep")" \
  "[('/model-cache', True)]"
expect_eq "$(json_get '{e["name"]: e.get("value") for e in d["spec"]["template"]["spec"]["containers"][0]["env"]}["HF_HUB_OFFLINE"]' <<<"$dep")" "1"
run kubectl lm deploy phi-3-mini --name e2e-c2
expect_rc 0
expect_eq "$(kubectl get pvc -l kubectl-lm.io/cache -o name | sort)" \
  "$(printf 'persistentvolumeclaim/lm-cache-llama-3-1-8b\npersistentvolumeclaim/%s' "$cache")" "(no second claim)"
run kubectl lm status e2e-c1
expect_out_contains "Cache:      $cache (weights kubectl lm pull staged, mounted read-only)"
run kubectl lm deploy phi-3-mini --name e2e-c3 --no-cache --dry-run=client -o json
[[ $OUT != *'"weights"'* ]] || fail "--no-cache still mounts the cache"

test_case "delete leaves the cache; delete --cache removes it"
kubectl lm delete e2e-c1 >/dev/null
kubectl lm delete e2e-c2 >/dev/null
expect_eq "$(kubectl get pvc "$cache" -o name)" "persistentvolumeclaim/$cache"
run kubectl lm delete --cache phi-3-mini
expect_rc 0
expect_out_contains "job.batch \"$cache\" deleted"
expect_out_contains "persistentvolumeclaim \"$cache\" deleted"
run kubectl lm delete --cache phi-3-mini
expect_rc 1
expect_err_contains "no model cache $cache in namespace default: nothing to delete"

test_case "a claim of a cache's name that pull did not make is never touched"
kubectl create -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: lm-cache-qwen2-5-7b}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
YAML
before=$(kubectl get pvc lm-cache-qwen2-5-7b -o json | json_get '(d["metadata"]["uid"], d["metadata"]["resourceVersion"], d["metadata"].get("labels"))')
run kubectl lm pull qwen2.5-7b
expect_rc 1
expect_err_contains 'persistentvolumeclaim "lm-cache-qwen2-5-7b" already exists in namespace default and was not created by kubectl lm pull'
run kubectl lm deploy qwen2.5-7b --name e2e-q --cache
expect_rc 1
expect_err_contains 'was not made by kubectl lm pull: --cache will not mount it'
run kubectl lm deploy qwen2.5-7b --name e2e-q --dry-run=client -o json
[[ $OUT != *lm-cache-qwen2-5-7b* ]] || fail "deploy mounted a claim pull did not make"
run kubectl lm delete --cache qwen2.5-7b
expect_rc 1
expect_eq "$(kubectl get pvc lm-cache-qwen2-5-7b -o json | json_get '(d["metadata"]["uid"], d["metadata"]["resourceVersion"], d["metadata"].get("labels"))')" "$before"
run kubectl lm deploy phi-3-mini --name e2e-q --cache
expect_rc 1
expect_err_contains "no model cache for phi-3-mini-4k in namespace default (kubectl lm pull phi-3-mini makes one)"

finish
