// The flags that choose a model and shape its plan, shared by models and
// deploy: --tensor-parallel, --context-length, --max-num-batched-tokens,
// --dtype, --replicas, --node, --gpu-memory-utilization, and a custom
// model's shape.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gpu/catalog.h"
#include "gpu/placement.h"
#include "kube/status.h"
#include "plugin/flags.h"

namespace lm {

struct PlanFlags {
  std::optional<int> tp;
  std::optional<long> context;
  std::optional<long> batch_tokens;  // --max-num-batched-tokens
  std::string dtype = "auto";  // or bfloat16, float16, float32
  std::string quantization;    // "", fp8, awq, gptq
  int replicas = 1;
  std::vector<std::string> nodes;
  double utilization = gpu::kDefaultUtilization;
  // A custom model (NAME is a Hugging Face repo id "org/name"): its shape.
  std::optional<double> params_b;
  std::optional<int> layers, heads, kv_heads, head_dim;
  std::optional<long> max_context;
  std::optional<long> vocab;
};

// The flags above, as entries of a command's flag table; `plan` is where
// the command's options keep them.
template <class Options>
void AddPlanFlags(std::vector<Flag<Options>>& table, PlanFlags Options::*plan);

// A catalog model by name, or a custom one when `name` is a repo id and the
// shape flags are given. Unknown names suggest the nearest catalog entry.
// A quantization the model cannot run (AWQ of a 16-bit checkpoint) is refused.
kube::Result<gpu::Model> ResolveModel(const std::string& name, const PlanFlags& flags);

// Bytes per parameter and per KV element for --dtype.
kube::Result<int> DtypeBytes(const std::string& dtype);

// The plan flags that differ from their defaults, as arguments a command
// line can repeat ("--tensor-parallel 2 --node gpu-a"), each shell-quoted
// where it needs to be.
std::string PlanFlagArgs(const PlanFlags& flags);

// "; at 8 bits it fits: kubectl lm deploy ... --quantization fp8 (TP 2 on
// gpu-h100-0, up to N tokens)" when the fp8 plan `alternative` holds the
// model that did not fit at 16 bits; `deploy_args` are the deploy flags to
// repeat besides the plan's (--name, token flags).
std::string QuantizedSuggestion(const std::string& model, const PlanFlags& flags, const std::string& deploy_args,
                                const std::optional<gpu::Plan>& alternative);

gpu::PlanRequest MakePlanRequest(const gpu::Model& model, const PlanFlags& flags, int dtype_bytes);

// The bounds of the numbers a plan flag takes: far above any real model,
// and small enough that no arithmetic on them can overflow.
inline constexpr long long kMaxShape = 1 << 20;         // GPUs, layers, heads, head dim, replicas
inline constexpr long long kMaxContext = 1LL << 26;     // tokens
inline constexpr double kMaxParamsBillion = 100000;     // 100 T parameters
inline constexpr long long kMaxVocab = 1 << 24;         // tokens in a vocabulary
// A custom model's vocabulary when --vocab-size is not given: 256 Ki tokens,
// above the common ones (Llama 3 128256, Qwen2.5 152064, Phi-4-mini 200064),
// so that its logits are not underestimated.
inline constexpr long kAssumedVocab = 262144;

// The setters AddPlanFlags uses, one per flag, on PlanFlags itself.
const std::vector<Flag<PlanFlags>>& PlanFlagTable();

template <class Options>
void AddPlanFlags(std::vector<Flag<Options>>& table, PlanFlags Options::*plan) {
  for (const auto& f : PlanFlagTable()) {
    auto set = f.set;
    table.push_back({f.info, [set, plan](Options& o, const std::string& v) { return set(o.*plan, v); }});
  }
}

}  // namespace lm
