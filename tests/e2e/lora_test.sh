#!/usr/bin/env bash
# LoRA adapters beside the model: deploy reads each adapter's rank from its
# adapter_config.json on the (stand-in) Hub, plans their GPU slots, renders
# vLLM's LoRA arguments, and the real API server accepts the result.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

cleanup() { kubectl lm delete e2e-lora >/dev/null 2>&1 || true; }
trap cleanup EXIT

adapters=(--lora sql=stand-in/phi-3-mini-sql-lora --lora chat=stand-in/phi-3-mini-chat-lora)
plan_of() {  # the plan deploy records, from a client dry run with ARGS
  kubectl lm deploy phi-3-mini --name e2e-lora "$@" --dry-run=client -o json |
    json_get '[i for i in d["items"] if i["kind"] == "Deployment"][0]["metadata"]["annotations"]["kubectl-lm.io/plan"]'
}

test_case "two adapters: vLLM's LoRA arguments at the larger rank, a server-side dry run passes, the plan grows"
run kubectl lm deploy phi-3-mini --name e2e-lora "${adapters[@]}" --dry-run=client -o json
expect_rc 0
args=$(json_get '" ".join([i for i in d["items"] if i["kind"] == "Deployment"][0]["spec"]["template"]["spec"]["containers"][0]["args"])' <<<"$OUT")
[[ $args == *"--enable-lora --max-loras 2 --max-lora-rank 64 --lora-modules sql=stand-in/phi-3-mini-sql-lora chat=stand-in/phi-3-mini-chat-lora --host"* ]] ||
  fail "LoRA arguments: $args"
run kubectl lm deploy phi-3-mini --name e2e-lora "${adapters[@]}" --dry-run=server
expect_rc 0
without=$(plan_of | sed 's/.*, \([0-9.]*\) GiB per GPU.*/\1/')
with=$(plan_of "${adapters[@]}" | sed 's/.*, \([0-9.]*\) GiB per GPU.*/\1/')
# Two slots of rank 64 for phi-3-mini: 2 x 64 x 32 layers x (6 x 3072 + 2 x 3072 + 3 x 8192) x 2 bytes = 0.375 GiB.
expect_eq "$(python3 -c "print(round($with - $without, 1))")" "0.4" "(GiB the two adapters add)"

test_case "an adapter whose rank cannot be read needs --max-lora-rank; a rank below an adapter's is refused"
run kubectl lm deploy phi-3-mini --name e2e-lora --lora local=/models/local-lora --dry-run=client
expect_rc 1
expect_err_contains "the rank of LoRA adapter local (/models/local-lora): a path in the pod; give --max-lora-rank"
run kubectl lm deploy phi-3-mini --name e2e-lora --lora local=/models/local-lora --max-lora-rank 20 --dry-run=client -o json
expect_rc 0
[[ $OUT == *'"--max-lora-rank",'*'"32"'* ]] || fail "rank 20 rounds up to vLLM's 32"
run kubectl lm deploy phi-3-mini --name e2e-lora "${adapters[@]}" --max-lora-rank 16
expect_rc 1
expect_err_contains "--max-lora-rank 16 is below an adapter's rank 64"

test_case "status lists the served names; chat refuses a name the server does not serve"
kubectl lm deploy phi-3-mini --name e2e-lora "${adapters[@]}" >/dev/null 2>&1
run kubectl lm status e2e-lora --probe=false
expect_out_contains "Serves:     phi-3-mini-4k, sql, chat (the model, then its LoRA adapters; kubectl lm chat e2e-lora --model NAME)"
run kubectl lm status e2e-lora -o json --probe=false
expect_eq "$(json_get 'd["items"][0]["servedModels"]' <<<"$OUT")" "['phi-3-mini-4k', 'sql', 'chat']"
run kubectl lm chat e2e-lora "hi" --model billing
expect_rc 1
expect_err_contains 'e2e-lora does not serve "billing": it serves phi-3-mini-4k, sql, chat'

finish
