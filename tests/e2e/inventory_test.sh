#!/usr/bin/env bash
# kubectl lm nodes and models against the real cluster: free GPUs from real
# pods, placement of a large model, and a user who may not list pods.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"


test_case "nodes lists the GPU nodes as a table"
run kubectl lm nodes
expect_rc 0
expect_out_contains "NODE"
expect_out_contains "gpu-h100-0"
expect_out_lacks "cpu-0"
h100=$(grep '^gpu-h100-0 ' <<<"$OUT" | tr -s ' ')
expect_eq "$h100" "gpu-h100-0 NVIDIA-H100-80GB-HBM3 79.6Gi 8 8 Ready"
t4=$(grep '^gpu-t4-0 ' <<<"$OUT" | tr -s ' ')
expect_eq "$t4" "gpu-t4-0 Tesla-T4 16Gi 1 1 Ready" "(T4 known by its instance type only)"
run kubectl lm nodes --all
expect_out_contains "cpu-0"

test_case "pods holding 3 of the 8 H100s leave 5 free"
hold_h100 default 3
run kubectl lm nodes -o json
expect_rc 0
expect_eq "$(json_get '[i["free"] for i in d["items"] if i["name"]=="gpu-h100-0"][0]' <<<"$OUT")" "5"
expect_eq "$(json_get '[i["requested"] for i in d["items"] if i["name"]=="gpu-h100-0"][0]' <<<"$OUT")" "3"
expect_eq "$(json_get '[i["memoryMiB"] for i in d["items"] if i["name"]=="gpu-h100-0"][0]' <<<"$OUT")" "81559"
expect_eq "$(json_get '[i["ready"] for i in d["items"] if i["name"]=="gpu-a10-notready"][0]' <<<"$OUT")" "False"
run kubectl lm nodes -o yaml
expect_rc 0
expect_out_contains "kind: GpuNodeList"

test_case "models --fits places llama-3.3-70b on the H100 node and not on the L4 node, and says why"
run kubectl lm models --fits
expect_rc 0
row=$(grep '^llama-3.3-70b ' <<<"$OUT" | tr -s ' ')
[[ $row == *" yes 4 131072 gpu-h100-0" ]] || fail "llama-3.3-70b row: $row"
run kubectl lm models llama-3.3-70b
expect_rc 0
expect_out_contains "Plan:      TP 4 on nvidia.com/gpu"
grep -q '^gpu-l4-0 .* no .*GPU too small' <<<"$OUT" || fail "the L4 node should be rejected as too small"
grep -q '^gpu-h100-0 .* yes .*fits: TP 4' <<<"$OUT" || fail "the H100 node should fit at TP 4"

test_case "with 5 H100s taken, llama-3.3-70b fits nowhere and each node says why"
hold_h100 default 5
run kubectl lm models llama-3.3-70b
expect_rc 1
grep -q '^gpu-h100-0 .* no .*too few free GPUs: needs 4, 3 of 8 free' <<<"$OUT" || fail "H100 verdict"
expect_err_contains "error: llama-3.3-70b fits no GPU node now"

test_case "... but at 8 bits it fits: the refusal names the command, and that command's plan passes a server-side dry run"
before=$(snapshot)
HF_TOKEN=hf_e2e_not_a_real_token run kubectl lm deploy llama-3.3-70b --hf-token-from-env
expect_rc 1
expect_err_contains "gpu-h100-0         no     too few free GPUs: needs 4, 3 of 8 free"
expect_err_contains "error: cannot deploy llama-3.3-70b: it fits no node; at 8 bits it fits: kubectl lm deploy llama-3.3-70b --hf-token-from-env --quantization fp8 (TP 2 on gpu-h100-0, up to 131072 tokens)"
expect_eq "$(snapshot)" "$before"
suggested=$(sed -n 's/.*at 8 bits it fits: kubectl lm \(deploy [^(]*\) (TP.*/\1/p' <<<"$ERR")
read -r -a suggested_args <<<"$suggested"
HF_TOKEN=hf_e2e_not_a_real_token run kubectl lm "${suggested_args[@]}" --dry-run=server
expect_rc 0
expect_err_contains "TP 2, bfloat16 + fp8, 131072 tokens"
HF_TOKEN=hf_e2e_not_a_real_token run kubectl lm "${suggested_args[@]}" --dry-run=client -o json
expect_rc 0
[[ $OUT == *'"--quantization",'*'"fp8"'* ]] || fail "the rendered server runs without --quantization fp8"
kubectl delete deployment e2e-hold-h100 >/dev/null

test_case "compute capability: from GFD's labels, else NVIDIA's table by product; -o json and -o wide show it"
run kubectl lm nodes -o json
expect_rc 0
expect_eq "$(json_get '{i["name"]: i["computeCapability"] for i in d["items"]}' <<<"$OUT")" \
  "{'gpu-a10-notready': '8.6', 'gpu-a100-0': '8.0', 'gpu-h100-0': '9.0', 'gpu-l4-0': '8.9', 'gpu-mig-0': '8.0', 'gpu-t4-0': '7.5', 'gpu-v100-0': '7.0'}"
expect_eq "$(json_get '[i["computeCapabilitySource"] for i in d["items"] if i["name"]=="gpu-t4-0"][0]' <<<"$OUT")" "product"
run kubectl lm nodes -o wide
expect_rc 0
[[ $(grep '^gpu-v100-0 ' <<<"$OUT" | tr -s ' ') == "gpu-v100-0 Tesla-V100-PCIE-16GB 15.8Gi 4 4 Ready volta 7.0 "* ]] ||
  fail "the V100's wide row: $(grep '^gpu-v100-0 ' <<<"$OUT")"

test_case "the T4 and the V100 are planned and rendered with float16, the A100 and H100 with bfloat16"
dtype_of() { # MODEL NODE -> the --dtype the rendered Deployment runs
  kubectl lm deploy "$1" --node "$2" --dry-run=client -o json |
    json_get '(lambda a: a[a.index("--dtype") + 1])([i for i in d["items"] if i["kind"]=="Deployment"][0]["spec"]["template"]["spec"]["containers"][0]["args"])'
}
expect_eq "$(dtype_of phi-3-mini gpu-t4-0)" "float16" "(T4, 7.5)"
expect_eq "$(dtype_of phi-3-mini gpu-v100-0)" "float16" "(V100, 7.0)"
expect_eq "$(dtype_of phi-3-mini gpu-a100-0)" "bfloat16" "(A100, 8.0)"
expect_eq "$(dtype_of llama-3.3-70b gpu-h100-0 2>/dev/null || true)" "" "(gated: refused before rendering)"
expect_eq "$(HF_TOKEN=hf_x dtype_of qwen2.5-7b gpu-h100-0)" "bfloat16" "(H100, 9.0)"
run kubectl lm models phi-3-mini --node gpu-v100-0
expect_rc 0
expect_out_contains "Plan:      TP 1 on nvidia.com/gpu at float16"
run kubectl lm deploy phi-3-mini --node gpu-v100-0 --dry-run=server
expect_rc 0

test_case "--dtype bfloat16 on the T4 is refused naming compute capability 7.5, and nothing changes"
before=$(snapshot)
run kubectl lm deploy phi-3-mini --dtype bfloat16 --node gpu-t4-0
expect_rc 1
expect_err_contains "gpu-t4-0           no     bfloat16 needs compute capability 8.0, Tesla-T4 has 7.5 (use --dtype float16)"
expect_err_contains "error: cannot deploy phi-3-mini-4k: it fits no node"
expect_eq "$(snapshot)" "$before"

test_case "a user who may not list pods gets one clear line"
run kubectl lm nodes --as system:serviceaccount:lm-e2e:nodes-only
expect_rc 1
expect_err_lines 1
expect_err_contains "list pods in all namespaces (needed to count the GPUs in use): Error from server (Forbidden)"
expect_err_contains 'cannot list resource "pods"'

test_case "unknown models and bad flags are one-line errors"
run kubectl lm models llama-3.1-7b
expect_rc 1
expect_eq "$ERR" 'error: unknown model "llama-3.1-7b"; did you mean "llama-3.1-8b"? (kubectl lm models lists them; a Hugging Face repo id with --params, --layers, --heads, --kv-heads, --head-dim and --max-context describes your own)'
run kubectl lm nodes -o xml
expect_rc 1
expect_err_lines 1

test_case "the batch budget: smaller on the L4 for a longer context, shown term by term, passed to the server"
run kubectl lm models qwen2.5-7b --node gpu-l4-0
expect_rc 0
expect_out_contains "batch 1024 tokens x 128 seqs (less than vLLM's 2048 on this GPU, for a longer context)"
expect_out_contains "Per GPU:   14.5 GiB weights + 3.0 GiB overhead + 0.3 GiB activations + 0.1 GiB logits + 1.0 GiB CUDA graphs"
run kubectl lm models qwen2.5-7b --node gpu-l4-0 --max-num-batched-tokens 4096
expect_rc 0
expect_out_contains "batch 4096 tokens x 512 seqs (--max-num-batched-tokens)"
run kubectl lm deploy qwen2.5-7b --node gpu-l4-0 --max-num-batched-tokens 4096 --dry-run=client -o json
expect_rc 0
[[ $OUT == *'"--max-num-batched-tokens",'*'"4096",'*'"--max-num-seqs",'*'"512"'* ]] || fail "the rendered server lacks the batch budget"
before=$(snapshot)
run kubectl lm deploy qwen2.5-7b --server-arg=--max-num-seqs=64
expect_rc 1
expect_err_contains "--max-num-seqs"
run kubectl lm deploy qwen2.5-7b --max-num-batched-tokens 10
expect_rc 1
expect_err_contains 'invalid --max-num-batched-tokens "10": use a whole number from 64 to 1048576'
expect_eq "$(snapshot)" "$before"

test_case "a custom model described by its shape is planned like a catalog one"
run kubectl lm models org/My-Model-7B --params 7.2 --layers 32 --heads 32 --kv-heads 8 --head-dim 128 --max-context 32768
expect_rc 0
expect_out_contains "Model:     my-model-7b (org/My-Model-7B"
run kubectl lm models org/My-Model-7B --params 7.2
expect_rc 1
expect_err_contains "needs its shape: add --layers, --heads, --kv-heads, --head-dim, --max-context"

finish
