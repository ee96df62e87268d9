#include "gpu/placement.h"

#include "gpu/units.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace gpu {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

// KAITO's terms (model-sku-calculation.md, measured on vLLM v0.10.1).
constexpr double kLoadExpansion = 1.02;   // weights grow this much on load
constexpr double kSizeOverhead = 0.05;    // overhead that grows with the model
constexpr double kFixedOverheadGiB = 2.3; // CUDA context, NCCL, KAITO's measured activations

// The terms that grow with the batch budget, calibrated on the H200
// measurement in shared/reference/gpu-sizing-and-image.md ("Measured on an
// H200"): memory in use after one forward pass of T tokens (2048, 8192,
// 16384) keeping their KV cache and sampling K sequences' logits, for four
// catalog shapes. Less the weights, the 0.51 GiB CUDA context, the KV cache
// and the logits, what is left grows with T at up to 80 bytes per token per
// unit of hidden size (phi-3-mini at 8192 tokens; 75 at 16384, 47-59 for the
// others). With these terms every measured case uses at most 0.9 of the
// estimate (tests/unit/gpu/sizing_test.cpp recomputes each one); the
// binding case is qwen2.5-coder-32b at 2048 tokens, whose weights dominate.
constexpr double kActivationBytesPerTokenPerHidden = 80;
// vLLM samples from float32 logits: max-num-seqs x vocabulary x 4 bytes,
// which its profiling run allocates (the measurement's K x vocabulary).
constexpr double kLogitBytes = 4;
// CUDA graphs, which the measurement did not capture: they commonly take
// 0.5-1 GiB (the reference note); the top of that range.
constexpr double kCudaGraphsGiB = 1.0;
// vLLM's two default budgets keep eight batched tokens per sequence.
constexpr long kTokensPerSeq = 8;
constexpr int kMaxSeqs = 1024;

std::string Gib(double v) { return OneDecimal(v, " GiB"); }

Widths WidthsOf(const PlanRequest& r) { return Widths::Of(r.dtype_bytes, r.quantization); }

// The budgets a resource is tried at, largest first: the one asked for;
// else vLLM's default for the GPU, then halvings down to kSmallestBatchTokens.
std::vector<BatchBudget> Budgets(const PlanRequest& r, double gpu_gib, const std::string& product) {
  if (r.batch_tokens) return {BatchBudget::OfTokens(*r.batch_tokens)};
  std::vector<BatchBudget> budgets;
  for (long t = DefaultBatch(gpu_gib, product).tokens; t >= kSmallestBatchTokens; t /= 2) {
    budgets.push_back(BatchBudget::OfTokens(t));
  }
  return budgets;
}

long RequiredContext(const PlanRequest& r) {
  if (r.context) return *r.context;
  return std::min(kMinimumContext, r.model->max_context);
}

// What one GPU resource of a node can do for the request.
struct Fit {
  bool ok = false;
  std::string reason;
  int tp = 0;
  long context = 0;
  int replicas = 0;
  BatchBudget batch;
  BatchBudget server_default;  // vLLM's own on this GPU
};

// The budget for one TP, and the context it gives: the largest budget
// whose context is the model's whole context (or the one asked for), else
// the smallest, because a longer context is worth more than a larger batch
// (a smaller batch only slows long prompts, which vLLM splits into chunks).
// Nothing when even the required context fits at none.
std::optional<std::pair<BatchBudget, long>> BudgetAndContext(const PlanRequest& r, int tp, double gpu_gib,
                                                            const std::vector<BatchBudget>& budgets) {
  const Model& m = *r.model;
  std::optional<std::pair<BatchBudget, long>> chosen;
  for (const BatchBudget& b : budgets) {
    if (MemoryPerGpuGiB(m, WidthsOf(r), tp, RequiredContext(r), b, r.lora) > gpu_gib * r.utilization) continue;
    const long context =
        r.context ? *r.context : LargestContext(m, WidthsOf(r), tp, b, gpu_gib, r.utilization, r.lora);
    chosen = {b, context};
    if (r.context || context >= m.max_context) break;
  }
  return chosen;
}

Fit FitResource(const PlanRequest& r, const GpuResource& res, const std::string& product) {
  const Model& m = *r.model;
  Fit f;
  double gpu_gib = *res.memory_mib / 1024.0;
  const std::vector<BatchBudget> budgets = Budgets(r, gpu_gib, product);
  f.server_default = DefaultBatch(gpu_gib, product);
  std::vector<int> tps;
  if (r.tp) {
    tps.push_back(*r.tp);
  } else {
    // No node has more GPUs than this; a larger count on a node (a typo, or
    // a hostile label) must not make the loop run long or overflow.
    const long long most = std::min<long long>(res.allocatable, kMaxTensorParallel);
    for (int tp = 1; tp <= most; tp *= 2) tps.push_back(tp);
    // Nodes with 6 or 12 GPUs can still run TP 3 or 6 where heads divide.
    for (int tp = 3; tp <= most; tp += 3) tps.push_back(tp);
    std::sort(tps.begin(), tps.end());
  }
  if (res.mig) {
    tps.erase(std::remove_if(tps.begin(), tps.end(), [](int t) { return t != 1; }), tps.end());
    if (tps.empty()) {
      f.reason = "MIG slices cannot be combined: tensor parallelism is 1 on them";
      return f;
    }
  }
  int last_valid = 0;
  for (int tp : tps) {
    if (!TpDividesHeads(m, tp)) continue;
    if (tp > res.allocatable) {
      f.reason = "has " + std::to_string(res.allocatable) + " GPU(s), TP " + std::to_string(tp) + " needs " +
                 std::to_string(tp);
      return f;
    }
    last_valid = tp;
    auto fit = BudgetAndContext(r, tp, gpu_gib, budgets);
    if (!fit) continue;
    f.tp = tp;
    std::tie(f.batch, f.context) = *fit;
    if (res.free() < tp) {
      f.reason = "too few free GPUs: needs " + std::to_string(tp) + ", " + std::to_string(res.free()) + " of " +
                 std::to_string(res.allocatable) + " free";
      return f;
    }
    f.ok = true;
    f.replicas = static_cast<int>(std::min<long long>(res.free() / tp, kMaxReplicas));
    return f;
  }
  if (last_valid == 0) {
    f.reason = r.tp ? "TP " + std::to_string(*r.tp) + " must divide the model's " +
                          std::to_string(m.attention_heads) + " attention and " + std::to_string(m.kv_heads) +
                          " KV heads"
                    : "no tensor-parallel size up to its GPU count divides the model's heads";
    return f;
  }
  f.reason = "GPU too small: needs " +
             Gib(MemoryPerGpuGiB(m, WidthsOf(r), last_valid, RequiredContext(r), budgets.back(), r.lora)) +
             " per GPU at TP " +
             std::to_string(last_valid) + " for " + std::to_string(RequiredContext(r)) + " tokens, has " +
             Gib(gpu_gib) + " x " + std::to_string(r.utilization).substr(0, 4);
  return f;
}

}  // namespace

Widths Widths::Of(int dtype_bytes, const std::string& quantization) {
  return {WeightBytes(dtype_bytes, quantization), dtype_bytes};
}

BatchBudget BatchBudget::OfTokens(long tokens) {
  return {tokens, static_cast<int>(std::clamp<long>(tokens / kTokensPerSeq, 1, kMaxSeqs))};
}

BatchBudget DefaultBatch(double gpu_gib, const std::string& product) {
  std::string lower = product;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (gpu_gib >= 70 && lower.find("a100") == std::string::npos) return {8192, 1024};
  return {2048, 256};
}

// Activations, logits and graphs are not divided by TP: each rank holds the
// whole hidden state of every batched token and gathers the whole
// vocabulary's logits (the measurement was at TP 1; this is the careful
// reading of it).
MemoryTerms MemoryPerGpu(const Model& m, Widths widths, int tp, long context, BatchBudget batch, Lora lora) {
  const double w = m.WeightsGiB(widths.weight);
  MemoryTerms t;
  t.weights = kLoadExpansion * w / tp;
  t.overhead = kSizeOverhead * w / tp + kFixedOverheadGiB;
  t.activations = kActivationBytesPerTokenPerHidden * static_cast<double>(m.Hidden()) * batch.tokens / kGiB;
  t.logits = kLogitBytes * static_cast<double>(batch.seqs) * m.vocab / kGiB;
  t.graphs = kCudaGraphsGiB;
  t.kv = static_cast<double>(m.KvBytesPerToken(widths.kv)) * context / tp / kGiB;
  // vLLM gives each of --max-loras slots an A (rank x in) and a B (out x
  // rank) matrix for every linear layer it can adapt: per decoder layer the
  // fused QKV (hidden -> hidden + 2 KV widths), the output projection
  // (hidden -> hidden), the fused gate/up (hidden -> 2 x intermediate) and
  // the down projection (intermediate -> hidden), in the model's dtype
  // (vllm/lora/layers). Not divided by TP: the careful reading.
  const double kv_width = static_cast<double>(m.kv_heads) * m.head_dim;
  const double per_rank = 6.0 * static_cast<double>(m.Hidden()) + 2 * kv_width + 3.0 * static_cast<double>(m.intermediate);
  t.lora = static_cast<double>(lora.adapters) * lora.max_rank * m.layers * per_rank * widths.kv / kGiB;
  return t;
}

long LargestContext(const Model& m, Widths widths, int tp, BatchBudget batch, double gpu_gib, double utilization,
                    Lora lora) {
  double left = gpu_gib * utilization - MemoryPerGpu(m, widths, tp, 0, batch, lora).Total();
  if (left <= 0) return 0;
  double tokens = std::floor(left * tp * kGiB / static_cast<double>(m.KvBytesPerToken(widths.kv)));
  return static_cast<long>(std::min<double>(tokens, m.max_context));
}

bool TpDividesHeads(const Model& m, int tp) {
  return tp >= 1 && m.attention_heads % tp == 0 && m.kv_heads % tp == 0;
}

namespace {

// A (node, GPU resource) that can hold the model at some TP.
struct Candidate {
  size_t verdict;  // index into Plan::verdicts
  std::string resource;
  Fit fit;
  bool whole_gpu;
};

std::string ComputeOf(const NodeGpus& n) {
  return n.compute ? "compute capability " + n.compute->ToString()
                   : "compute capability unknown (no nvidia.com/gpu.compute labels, product not in kubectl-lm's table)";
}

// Why a node with GPUs cannot be considered at all, or "". With `native`,
// only nodes whose native dtype is `dtype` are (PlanPlacement's "auto").
std::string Excluded(const PlanRequest& r, const NodeGpus& n, const std::string& dtype, bool native,
                     bool& other_dtype) {
  auto untolerated = n.untolerated_taints();
  if (!r.nodes.empty() && std::find(r.nodes.begin(), r.nodes.end(), n.name) == r.nodes.end()) {
    return "not named by --node";
  }
  if (!n.ready) return "not ready";
  if (n.unschedulable) return "cordoned (unschedulable)";
  if (!untolerated.empty()) {
    return "tainted " + untolerated.front().ToString() + ", which the GPU tolerations do not cover";
  }
  if (native && NativeDtype(n.compute) != dtype) {
    other_dtype = true;
    return "runs " + NativeDtype(n.compute) + " (" + ComputeOf(n) + ")";
  }
  const std::string gpu = n.product.empty() ? "this GPU" : n.product;
  const std::string has = n.compute ? n.compute->ToString() : "an unknown one";
  if (auto need = DtypeNeeds(dtype); need && (!n.compute || *n.compute < *need)) {
    return dtype + " needs compute capability " + need->ToString() + ", " + gpu + " has " + has +
           " (use --dtype float16)";
  }
  if (auto need = QuantizationNeeds(r.quantization); need && (!n.compute || *n.compute < *need)) {
    return r.quantization + " needs compute capability " + need->ToString() + ", " + gpu + " has " + has;
  }
  return "";
}

// Tries each GPU resource of `n`, largest devices first, adding those that
// can hold the model to `candidates`; returns the node's reason, which
// speaks of the best it has.
std::string JudgeResources(const PlanRequest& r, const NodeGpus& n, size_t verdict, std::vector<Candidate>& candidates) {
  std::vector<const GpuResource*> by_memory;
  for (const GpuResource& res : n.resources) by_memory.push_back(&res);
  std::stable_sort(by_memory.begin(), by_memory.end(), [](const GpuResource* a, const GpuResource* b) {
    return a->memory_mib.value_or(0) > b->memory_mib.value_or(0);
  });
  std::string best_reason;
  bool best_has_tp = false;
  for (const GpuResource* resp : by_memory) {
    const GpuResource& res = *resp;
    if (res.shared) {
      if (best_reason.empty()) best_reason = "GPUs are time-sliced (" + res.name + "): their memory is shared, not reserved";
      continue;
    }
    if (!res.memory_mib) {
      best_reason = "GPU memory unknown: no nvidia.com/gpu.memory label" +
                    (n.instance_type.empty() ? std::string() : " and instance type " + n.instance_type +
                                                                   " is not in kubectl-lm's table");
      continue;
    }
    Fit f = FitResource(r, res, n.product);
    if (f.tp > 0 || f.ok) candidates.push_back({verdict, res.name, f, !res.mig});
    // A resource that fits but lacks free devices says more than one too small.
    if (!f.ok && (best_reason.empty() || (f.tp > 0 && !best_has_tp))) {
      best_reason = f.reason;
      best_has_tp = f.tp > 0;
    }
  }
  return best_reason;
}

// One (TP, resource) for every replica: the smallest TP that fits some node
// now, whole GPUs before MIG slices, then the largest context.
const Candidate* Best(const std::vector<Candidate>& candidates) {
  const Candidate* best = nullptr;
  for (const Candidate& c : candidates) {
    if (!c.fit.ok) continue;
    if (!best || c.fit.tp < best->fit.tp || (c.fit.tp == best->fit.tp && c.whole_gpu && !best->whole_gpu) ||
        (c.fit.tp == best->fit.tp && c.whole_gpu == best->whole_gpu && c.fit.context > best->fit.context)) {
      best = &c;
    }
  }
  return best;
}

// The nodes at the plan's TP and resource, largest context first, until
// the replicas are held: how many they hold, and the smallest context
// among them, which is the plan's.
std::pair<int, long> HoldReplicas(const PlanRequest& r, const Plan& plan, const std::vector<Candidate>& candidates) {
  std::vector<const Candidate*> same;
  for (const Candidate& c : candidates) {
    if (c.fit.ok && c.fit.tp == plan.tp && c.resource == plan.resource) same.push_back(&c);
  }
  std::stable_sort(same.begin(), same.end(),
                   [](const Candidate* a, const Candidate* b) { return a->fit.context > b->fit.context; });
  long long held = 0;
  long context = same.front()->fit.context;
  for (const Candidate* c : same) {
    if (held >= r.replicas) break;
    held += c->fit.replicas;
    context = std::min(context, c->fit.context);
  }
  return {static_cast<int>(std::min<long long>(held, r.replicas)), context};
}

// A candidate that holds the plan: it passes, and the scheduler may put a
// replica there.
bool HoldsPlan(const Candidate& c, const Plan& plan) {
  return c.fit.ok && c.fit.tp == plan.tp && c.resource == plan.resource && c.fit.context >= plan.context;
}

// Every replica runs one command line, so the plan's budget is the smallest
// of the nodes that hold it: a smaller budget than a node was sized with
// only leaves it more room (activations and logits grow with the budget).
BatchBudget PlanBatch(const Plan& plan, const std::vector<Candidate>& candidates) {
  std::optional<BatchBudget> batch;
  for (const Candidate& c : candidates) {
    if (HoldsPlan(c, plan) && (!batch || c.fit.batch.tokens < batch->tokens)) batch = c.fit.batch;
  }
  return *batch;
}

// Every node that holds the plan passes, so that the scheduler can use any
// of them; the others say at which TP they would have.
void MarkVerdicts(Plan& plan, const std::vector<Candidate>& candidates) {
  for (const Candidate& c : candidates) {
    NodeVerdict& v = plan.verdicts[c.verdict];
    if (HoldsPlan(c, plan)) {
      if (v.fits) continue;
      v.fits = true;
      v.tp = c.fit.tp;
      v.context = c.fit.context;
      v.resource = c.resource;
      v.replicas = c.fit.replicas;
      v.batch = c.fit.batch;
      v.reason = "fits: TP " + std::to_string(c.fit.tp) + " on " + c.resource + ", up to " +
                 std::to_string(c.fit.context) + " tokens";
      plan.nodes.push_back(v.node);
    } else if (!v.fits && c.fit.ok) {
      v.tp = c.fit.tp;
      v.context = c.fit.context;
      v.resource = c.resource;
      v.batch = c.fit.batch;
      v.reason = "fits only at TP " + std::to_string(c.fit.tp) + " on " + c.resource + "; the plan uses TP " +
                 std::to_string(plan.tp) + " on " + plan.resource;
    }
  }
}

// The plan at one dtype; `other_dtype` marks the verdicts of nodes left out
// because they run another (with `native`).
Plan PlanAt(const PlanRequest& r, const std::vector<NodeGpus>& nodes, const std::string& dtype, bool native,
            std::vector<bool>& other_dtype) {
  Plan plan;
  plan.dtype = dtype;
  plan.quantization = r.quantization;
  std::vector<Candidate> candidates;
  for (const NodeGpus& n : nodes) {
    if (!n.has_gpus()) continue;
    NodeVerdict v;
    v.node = n.name;
    bool other = false;
    v.reason = Excluded(r, n, dtype, native, other);
    if (v.reason.empty()) v.reason = JudgeResources(r, n, plan.verdicts.size(), candidates);
    plan.verdicts.push_back(v);
    other_dtype.push_back(other);
  }
  const Candidate* best = Best(candidates);
  if (!best) {
    plan.summary = "fits no node";
    for (const Candidate& c : candidates) {
      NodeVerdict& v = plan.verdicts[c.verdict];
      v.tp = c.fit.tp;
      v.context = c.fit.context;
      v.resource = c.resource;
      v.batch = c.fit.batch;
    }
    return plan;
  }
  plan.tp = best->fit.tp;
  plan.resource = best->resource;
  auto [held, context] = HoldReplicas(r, plan, candidates);
  plan.context = context;
  plan.batch = PlanBatch(plan, candidates);
  plan.server_default = best->fit.server_default;
  plan.memory = MemoryPerGpu(*r.model, WidthsOf(r), plan.tp, plan.context, plan.batch, r.lora);
  plan.per_gpu_gib = plan.memory.Total();
  MarkVerdicts(plan, candidates);
  plan.ok = held >= r.replicas;
  plan.summary = plan.ok ? "TP " + std::to_string(plan.tp) + ", " + plan.dtype +
                               (plan.quantization.empty() ? "" : " + " + plan.quantization) + ", " +
                               std::to_string(plan.context) +
                               " tokens, " + Gib(plan.per_gpu_gib) + " per GPU"
                         : "fits only " + std::to_string(held) + " of " + std::to_string(r.replicas) +
                               " replicas at TP " + std::to_string(plan.tp);
  return plan;
}

}  // namespace

Plan PlanPlacement(const PlanRequest& r, const std::vector<NodeGpus>& nodes) {
  std::vector<bool> unused;
  // vLLM runs AWQ and GPTQ checkpoints at float16.
  if (r.quantization == "awq" || r.quantization == "gptq") return PlanAt(r, nodes, "float16", false, unused);
  if (r.dtype != "auto") return PlanAt(r, nodes, r.dtype, false, unused);
  std::vector<bool> bf_other, fp_other;
  Plan bf = PlanAt(r, nodes, "bfloat16", true, bf_other);
  Plan fp = PlanAt(r, nodes, "float16", true, fp_other);
  const bool use_bf = bf.ok || !fp.ok;
  Plan& plan = use_bf ? bf : fp;
  const Plan& other = use_bf ? fp : bf;
  const std::vector<bool>& left_out = use_bf ? bf_other : fp_other;
  // A node left out for its dtype says what it would do in its own plan.
  for (size_t i = 0; i < plan.verdicts.size(); ++i) {
    if (!left_out[i]) continue;
    const std::string reason = plan.verdicts[i].reason;
    plan.verdicts[i] = other.verdicts[i];
    if (other.verdicts[i].fits) {
      plan.verdicts[i].fits = false;
      plan.verdicts[i].reason = "fits only at " + other.dtype + ": it " + reason + ", and one plan runs one dtype (" +
                                plan.dtype + " here; --node " + plan.verdicts[i].node + " plans it alone)";
    }
  }
  return plan;
}

std::optional<Plan> QuantizedAlternative(const PlanRequest& r, const std::vector<NodeGpus>& nodes) {
  if (!r.quantization.empty() || r.dtype_bytes != 2) return std::nullopt;
  PlanRequest fp8 = r;
  fp8.quantization = "fp8";
  Plan plan = PlanPlacement(fp8, nodes);
  if (!plan.ok) return std::nullopt;
  return plan;
}

std::vector<NodeRoom> RoomOn(const std::vector<NodeGpus>& inventory, const std::vector<std::string>& nodes,
                             const std::string& resource, int tp) {
  std::vector<NodeRoom> out;
  for (const std::string& name : nodes) {
    NodeRoom room{name, 0, ""};
    auto n = std::find_if(inventory.begin(), inventory.end(), [&](const NodeGpus& g) { return g.name == name; });
    if (n == inventory.end()) {
      room.reason = "no longer in the cluster";
    } else if (!n->ready) {
      room.reason = "not ready";
    } else if (n->unschedulable) {
      room.reason = "cordoned (unschedulable)";
    } else if (auto taints = n->untolerated_taints(); !taints.empty()) {
      room.reason = "tainted " + taints.front().ToString() + ", which the GPU tolerations do not cover";
    } else {
      auto res = std::find_if(n->resources.begin(), n->resources.end(),
                              [&](const GpuResource& r) { return r.name == resource; });
      const long long free = res == n->resources.end() ? 0 : res->free();
      const long long all = res == n->resources.end() ? 0 : res->allocatable;
      room.replicas = tp > 0 ? static_cast<int>(std::min<long long>(free / tp, kMaxReplicas)) : 0;
      room.reason = std::to_string(free) + " of " + std::to_string(all) + " " + resource + " free: holds " +
                    std::to_string(room.replicas) + " replica(s) of " + std::to_string(tp);
    }
    out.push_back(std::move(room));
  }
  return out;
}

}  // namespace gpu
