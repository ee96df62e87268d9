#!/usr/bin/env bash
# Maps kubectl-lm's contract (the environment the Deployment sets) onto
# `vllm serve`, and execs it so that SIGTERM reaches the server and the pod
# stops cleanly.
#
#   LM_MODEL                   Hugging Face repo id or a local path (required)
#   LM_SERVED_NAME             the name the API serves it under (default: LM_MODEL)
#   LM_TENSOR_PARALLEL         GPUs per replica (default 1)
#   LM_MAX_MODEL_LEN           context length (default: the model's own)
#   LM_GPU_MEMORY_UTILIZATION  share of each GPU's memory (default 0.9)
#   LM_DTYPE                   auto, bfloat16, float16, float32 (default auto)
#   LM_QUANTIZATION            awq, gptq, fp8, ... (default none)
#   LM_MISTRAL_FORMAT          "true" for Mistral's own tokenizer/config/weights format
#   LM_EXTRA_ARGS              more vllm serve arguments, split on whitespace
#   LM_PORT                    default 8000
#   HF_TOKEN                   read by vLLM itself for gated models; never printed
set -euo pipefail

die() {
  echo "kubectl-lm-entrypoint: $*" >&2
  exit 64
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; }

[ -n "${LM_MODEL:-}" ] || die "LM_MODEL is not set: set it to a Hugging Face repo id such as microsoft/Phi-3-mini-4k-instruct"
tp=${LM_TENSOR_PARALLEL:-1}
is_uint "$tp" || die "LM_TENSOR_PARALLEL must be a positive whole number, got '$tp'"
util=${LM_GPU_MEMORY_UTILIZATION:-0.9}
[[ $util =~ ^(0?\.[0-9]+|1(\.0+)?)$ ]] || die "LM_GPU_MEMORY_UTILIZATION must be a fraction in (0, 1], got '$util'"
dtype=${LM_DTYPE:-auto}
case "$dtype" in
  auto | bfloat16 | float16 | half | float32 | float) ;;
  *) die "LM_DTYPE must be auto, bfloat16, float16 or float32, got '$dtype'" ;;
esac
port=${LM_PORT:-8000}
is_uint "$port" || die "LM_PORT must be a port number, got '$port'"

args=(serve "$LM_MODEL"
  --served-model-name "${LM_SERVED_NAME:-$LM_MODEL}"
  --tensor-parallel-size "$tp"
  --gpu-memory-utilization "$util"
  --dtype "$dtype"
  --host 0.0.0.0
  --port "$port")
if [ -n "${LM_MAX_MODEL_LEN:-}" ]; then
  is_uint "$LM_MAX_MODEL_LEN" || die "LM_MAX_MODEL_LEN must be a positive whole number, got '$LM_MAX_MODEL_LEN'"
  args+=(--max-model-len "$LM_MAX_MODEL_LEN")
fi
[ -z "${LM_QUANTIZATION:-}" ] || args+=(--quantization "$LM_QUANTIZATION")
if [ "${LM_MISTRAL_FORMAT:-false}" = true ]; then
  # Mistral's repos ship their own formats (KAITO serves them the same way).
  args+=(--tokenizer-mode mistral --config-format mistral --load-format mistral)
fi
if [ -n "${LM_EXTRA_ARGS:-}" ]; then
  read -r -a extra <<<"$LM_EXTRA_ARGS"
  args+=("${extra[@]}")
fi

echo "kubectl-lm-entrypoint: vllm ${args[*]}" >&2
exec vllm "${args[@]}"
