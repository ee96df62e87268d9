// Sizing a model for vLLM and placing it on the inventory's nodes.
//
// Memory per GPU follows KAITO's measured vLLM formula (kaito
// presets/workspace/generator/model-sku-calculation.md; estimator.go):
//   1.02*W/TP + 0.05*W/TP + 2.3 GiB + kv_bytes_per_token * context / TP
// and fits when it is at most the GPU's memory times the utilisation
// (vLLM's --gpu-memory-utilization, 0.9 by default here, passed explicitly).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gpu/catalog.h"
#include "gpu/inventory.h"

namespace gpu {

constexpr double kDefaultUtilization = 0.9;
// The smallest context we will plan for when the user names none: KAITO's
// default max_model_len. A node that cannot hold this much does not fit.
constexpr long kMinimumContext = 2048;

// Bytes per parameter of the weights and per element of the KV cache.
struct Widths {
  double weight = 2;  // 1 with fp8, 0.5 with AWQ/GPTQ (gpu::WeightBytes)
  int kv = 2;         // the dtype's
  // At `dtype_bytes` (gpu::DtypeBytes) with `quantization` ("" = none).
  static Widths Of(int dtype_bytes, const std::string& quantization = "");
};

// GiB one GPU needs for `model` at tensor-parallel size `tp`.
double MemoryPerGpuGiB(const Model& model, Widths widths, int tp, long context);

// The largest context (at most the model's) that fits GPUs of `gpu_gib`,
// or 0 when not even the weights and overhead fit.
long LargestContext(const Model& model, Widths widths, int tp, double gpu_gib, double utilization);

// vLLM shards attention heads and KV heads across TP ranks: TP must divide both.
bool TpDividesHeads(const Model& model, int tp);

struct PlanRequest {
  const Model* model = nullptr;
  // vLLM's --dtype, or "auto": each node's native one (bfloat16 from compute
  // capability 8.0, else float16), one dtype per plan.
  std::string dtype = "auto";
  int dtype_bytes = 2;
  std::string quantization;         // vLLM's --quantization: "", fp8, awq, gptq
  std::optional<int> tp;            // --tensor-parallel; else the smallest that fits
  std::optional<long> context;      // --context-length; else the largest that fits
  double utilization = kDefaultUtilization;
  int replicas = 1;
  std::vector<std::string> nodes;   // --node: only these
};

struct NodeVerdict {
  std::string node;
  bool fits = false;                // fits the plan as chosen
  std::string reason;               // why not, in a phrase; or what fits
  int tp = 0;                       // the smallest TP that fits this node, when any
  long context = 0;                 // the largest context at that TP
  std::string resource;             // nvidia.com/gpu or a MIG slice type
  int replicas = 0;                 // replicas its free GPUs hold
};

struct Plan {
  bool ok = false;
  std::string summary;              // why it failed, or what was chosen
  std::string dtype;                // what every replica runs at
  std::string quantization;         // and with which quantization ("" = none)
  int tp = 0;
  long context = 0;
  std::string resource;             // the resource each replica asks for, tp of it
  double per_gpu_gib = 0;
  std::vector<std::string> nodes;   // nodes that passed, for the node affinity
  std::vector<NodeVerdict> verdicts;  // every GPU node, in name order
};

// A plan never mixes nodes that need different settings: with dtype
// "auto", the bfloat16 nodes are planned first and the float16 ones only
// when those cannot hold the replicas; the others say why they were left out.
Plan PlanPlacement(const PlanRequest& request, const std::vector<NodeGpus>& nodes);

// For a 16-bit request that fits nowhere: the same request at fp8, when
// that plan holds it (what a refusal suggests); nullopt otherwise.
std::optional<Plan> QuantizedAlternative(const PlanRequest& request, const std::vector<NodeGpus>& nodes);

// The largest tensor-parallel size tried: more GPUs than any node has.
inline constexpr int kMaxTensorParallel = 64;
// The most replicas one node is counted for: far above any real node, and
// an int however large a node's GPU count claims to be.
inline constexpr long long kMaxReplicas = 1 << 20;

}  // namespace gpu
