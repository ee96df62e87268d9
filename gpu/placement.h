// Sizing a model for vLLM and placing it on the inventory's nodes.
//
// Memory per GPU starts from KAITO's measured vLLM formula (kaito
// presets/workspace/generator/model-sku-calculation.md; estimator.go),
//   1.02*W/TP + 0.05*W/TP + 2.3 GiB + kv_bytes_per_token * context / TP,
// and adds what grows with the server's batch budget, which that formula
// leaves out: activations for --max-num-batched-tokens tokens, logits for
// --max-num-seqs sequences, and a reserve for CUDA graphs (MemoryTerms).
// A plan fits when the sum is at most the GPU's memory times the
// utilisation (vLLM's --gpu-memory-utilization, 0.9 by default here), and
// the batch budget it was sized for is passed to the server explicitly.
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

// The server's batch budget: vLLM's --max-num-batched-tokens (tokens one
// step may process, which sets the activation peak) and --max-num-seqs
// (sequences one step may sample, which sets the logits).
struct BatchBudget {
  long tokens = 0;
  int seqs = 0;
  // `tokens` with vLLM's ratio of eight tokens per sequence (8192 x 1024
  // and 2048 x 256 are its two defaults), at most 1024 sequences.
  static BatchBudget OfTokens(long tokens);
  friend bool operator==(const BatchBudget&, const BatchBudget&) = default;
};

// What vLLM's OpenAI server picks on its own (vllm/engine/arg_utils.py,
// EngineArgs.get_batch_defaults): 8192 tokens x 1024 sequences on GPUs of
// 70 GiB or more other than the A100 (where a large budget lowered
// throughput, vLLM PR #17885), else 2048 x 256.
BatchBudget DefaultBatch(double gpu_gib, const std::string& product);

// The smallest budget a plan steps down to, to win context on a small GPU.
inline constexpr long kSmallestBatchTokens = 1024;
// The bounds of --max-num-batched-tokens.
inline constexpr long kMinBatchTokens = 64;
inline constexpr long kMaxBatchTokens = 1 << 20;

// LoRA adapters served beside the model: vLLM keeps a GPU slot for each of
// --max-loras adapters at --max-lora-rank.
struct Lora {
  int adapters = 0;
  int max_rank = 0;
};

// GiB one GPU needs, term by term (each term's source is in placement.cpp).
struct MemoryTerms {
  double weights = 0;      // loaded weights, 1.02 x W / TP
  double overhead = 0;     // KAITO's: 0.05 x W / TP + 2.3 GiB
  double activations = 0;  // the batch budget's tokens through one forward pass
  double logits = 0;       // the batch budget's sequences x vocabulary, fp32
  double graphs = 0;       // CUDA graphs
  double kv = 0;           // KV cache at the context
  double lora = 0;         // LoRA adapters' slots
  double Total() const { return weights + overhead + activations + logits + graphs + kv + lora; }
};

MemoryTerms MemoryPerGpu(const Model& model, Widths widths, int tp, long context, BatchBudget batch, Lora lora = {});
inline double MemoryPerGpuGiB(const Model& model, Widths widths, int tp, long context, BatchBudget batch,
                              Lora lora = {}) {
  return MemoryPerGpu(model, widths, tp, context, batch, lora).Total();
}

// The largest context (at most the model's) that fits GPUs of `gpu_gib`,
// or 0 when not even the weights and overhead fit.
long LargestContext(const Model& model, Widths widths, int tp, BatchBudget batch, double gpu_gib,
                    double utilization, Lora lora = {});

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
  // --max-num-batched-tokens; else vLLM's default for the GPU, or a smaller
  // one (down to kSmallestBatchTokens) where that wins context.
  std::optional<long> batch_tokens;
  Lora lora;                        // --lora adapters, at their largest rank
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
  BatchBudget batch;                // the budget that context was sized with
};

struct Plan {
  bool ok = false;
  std::string summary;              // why it failed, or what was chosen
  std::string dtype;                // what every replica runs at
  std::string quantization;         // and with which quantization ("" = none)
  int tp = 0;
  long context = 0;
  std::string resource;             // the resource each replica asks for, tp of it
  BatchBudget batch;                // the server's, for every replica
  BatchBudget server_default;       // what vLLM would pick on the plan's GPUs
  MemoryTerms memory;               // per GPU, at the plan's context and batch
  double per_gpu_gib = 0;           // memory.Total()
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

// How many replicas of `tp` devices of `resource` each of `nodes` holds now
// (scale's check: these nodes passed the memory check when deploy planned),
// and why not more, in a phrase.
struct NodeRoom {
  std::string node;
  int replicas = 0;
  std::string reason;
};
std::vector<NodeRoom> RoomOn(const std::vector<NodeGpus>& inventory, const std::vector<std::string>& nodes,
                             const std::string& resource, int tp);

// The largest tensor-parallel size tried: more GPUs than any node has.
inline constexpr int kMaxTensorParallel = 64;
// The most replicas one node is counted for: far above any real node, and
// an int however large a node's GPU count claims to be.
inline constexpr long long kMaxReplicas = 1 << 20;

}  // namespace gpu
