#!/usr/bin/env bash
# The image's entrypoint without a GPU: a stand-in `vllm` on PATH records the
# arguments it is exec'd with, and each case asserts the exact command line.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ENTRYPOINT=$HERE/../../manifests/image/entrypoint.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin"
cat > "$T/bin/vllm" <<'STUB'
#!/usr/bin/env bash
# Records its argv, one argument per line, and its pid (to prove exec).
printf '%s\n' "$$" > "$RECORD.pid"
printf '%s\n' "$@" > "$RECORD"
STUB
chmod +x "$T/bin/vllm"
failures=0

# expect NAME WANT_ARGS... -- ENV...: runs the entrypoint with ENV only and
# compares the recorded argv (joined by spaces) with WANT_ARGS.
expect() {
  local name=$1 want=$2
  shift 2
  export RECORD=$T/record
  rm -f "$RECORD" "$RECORD.pid"
  local pid
  # The single quotes are for the inner shell, which records its own pid.
  # shellcheck disable=SC2016
  if ! env -i PATH="$T/bin:/usr/bin:/bin" RECORD="$RECORD" "$@" bash -c 'echo $$ > "$RECORD.shell"; exec "$0"' "$ENTRYPOINT" 2>/dev/null; then
    echo "FAIL $name: the entrypoint failed"; failures=$((failures + 1)); return
  fi
  local got
  got=$(paste -sd' ' "$RECORD")
  if [ "$got" != "$want" ]; then
    echo "FAIL $name"; echo "  want: $want"; echo "  got:  $got"; failures=$((failures + 1)); return
  fi
  # exec: vllm runs as the very process the container started.
  pid=$(cat "$RECORD.pid")
  [ "$pid" = "$(cat "$RECORD.shell")" ] || { echo "FAIL $name: vllm did not replace the entrypoint (no exec)"; failures=$((failures + 1)); return; }
  echo "ok   $name"
}

# expect_error NAME MESSAGE ENV...: the entrypoint must fail with MESSAGE and not run vllm.
expect_error() {
  local name=$1 message=$2
  shift 2
  export RECORD=$T/record
  rm -f "$RECORD"
  local err rc=0
  err=$(env -i PATH="$T/bin:/usr/bin:/bin" RECORD="$RECORD" "$@" "$ENTRYPOINT" 2>&1 >/dev/null) || rc=$?
  if [ "$rc" -eq 0 ] || [[ $err != *"$message"* ]] || [ -e "$RECORD" ]; then
    echo "FAIL $name: rc=$rc err=$err"; failures=$((failures + 1)); return
  fi
  echo "ok   $name"
}

expect "phi-3-mini at TP 1 (what deploy renders)" \
  "serve microsoft/Phi-3-mini-4k-instruct --served-model-name phi-3-mini-4k --tensor-parallel-size 1 --gpu-memory-utilization 0.90 --dtype bfloat16 --host 0.0.0.0 --port 8000 --max-model-len 4096" \
  LM_MODEL=microsoft/Phi-3-mini-4k-instruct LM_SERVED_NAME=phi-3-mini-4k LM_TENSOR_PARALLEL=1 \
  LM_MAX_MODEL_LEN=4096 LM_GPU_MEMORY_UTILIZATION=0.90 LM_DTYPE=bfloat16 LM_MISTRAL_FORMAT=false
expect "llama-3.1-70b at TP 4" \
  "serve meta-llama/Llama-3.3-70B-Instruct --served-model-name llama-3.1-70b --tensor-parallel-size 4 --gpu-memory-utilization 0.90 --dtype bfloat16 --host 0.0.0.0 --port 8000 --max-model-len 131072" \
  LM_MODEL=meta-llama/Llama-3.3-70B-Instruct LM_SERVED_NAME=llama-3.1-70b LM_TENSOR_PARALLEL=4 \
  LM_MAX_MODEL_LEN=131072 LM_GPU_MEMORY_UTILIZATION=0.90 LM_DTYPE=bfloat16 HF_TOKEN=hf_x
expect "mistral adds its format flags" \
  "serve mistralai/Mistral-7B-Instruct-v0.3 --served-model-name mistral-7b --tensor-parallel-size 1 --gpu-memory-utilization 0.9 --dtype auto --host 0.0.0.0 --port 8000 --max-model-len 32768 --tokenizer-mode mistral --config-format mistral --load-format mistral" \
  LM_MODEL=mistralai/Mistral-7B-Instruct-v0.3 LM_SERVED_NAME=mistral-7b LM_MAX_MODEL_LEN=32768 LM_MISTRAL_FORMAT=true
expect "a custom context length, quantization and extra arguments" \
  "serve Qwen/Qwen2.5-7B-Instruct --served-model-name Qwen/Qwen2.5-7B-Instruct --tensor-parallel-size 2 --gpu-memory-utilization 0.85 --dtype auto --host 0.0.0.0 --port 9000 --max-model-len 12000 --quantization fp8 --enable-prefix-caching --max-num-seqs 64" \
  LM_MODEL=Qwen/Qwen2.5-7B-Instruct LM_TENSOR_PARALLEL=2 LM_MAX_MODEL_LEN=12000 LM_GPU_MEMORY_UTILIZATION=0.85 \
  LM_QUANTIZATION=fp8 LM_PORT=9000 "LM_EXTRA_ARGS=--enable-prefix-caching --max-num-seqs 64"
expect_error "a missing model" "LM_MODEL is not set" LM_TENSOR_PARALLEL=1
expect_error "a bad TP" "LM_TENSOR_PARALLEL must be a positive whole number" LM_MODEL=m LM_TENSOR_PARALLEL=0
expect_error "a bad utilization" "LM_GPU_MEMORY_UTILIZATION must be a fraction" LM_MODEL=m LM_GPU_MEMORY_UTILIZATION=90
expect_error "a bad dtype" "LM_DTYPE must be" LM_MODEL=m LM_DTYPE=int3
expect_error "a bad context" "LM_MAX_MODEL_LEN must be" LM_MODEL=m LM_MAX_MODEL_LEN=lots

[ "$failures" -eq 0 ] || { echo "$failures entrypoint case(s) failed"; exit 1; }
