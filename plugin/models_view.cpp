#include "plugin/views.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include <boost/algorithm/string/join.hpp>
#include <boost/json.hpp>

#include "gpu/units.h"
#include "plugin/printers.h"

namespace lm {
namespace json = boost::json;
namespace {

const auto& Fixed = gpu::OneDecimal;

std::string Tokens(long n) {
  if (n >= 1024 && n % 1024 == 0) return std::to_string(n / 1024) + "k";
  return std::to_string(n);
}

// GiB of the smallest GPU that holds the model at TP 1: the shortest
// context a plan accepts, at the smallest batch budget a plan steps down to.
double MinGpuMemory(const gpu::Model& m, gpu::Widths widths) {
  return gpu::MemoryPerGpuGiB(m, widths, 1, std::min(gpu::kMinimumContext, m.max_context),
                              gpu::BatchBudget::OfTokens(gpu::kSmallestBatchTokens));
}

json::object ModelToJson(const gpu::Model& m) {
  return {{"name", m.name}, {"repo", m.repo}, {"license", m.license}, {"gated", m.gated},
          {"paramsBillion", m.params_b}, {"layers", m.layers}, {"attentionHeads", m.attention_heads},
          {"kvHeads", m.kv_heads}, {"headDim", m.head_dim}, {"maxContext", m.max_context},
          {"weightsGiB", m.weights_gib}, {"vocabSize", m.vocab}, {"kvBytesPerToken", m.KvBytesPerToken(2)},
          {"minGpuMemoryGiB", MinGpuMemory(m, gpu::Widths{})}};
}

json::object PlanToJson(const gpu::Plan& p) {
  json::object o{{"fits", p.ok}, {"summary", p.summary}};
  if (p.tp > 0) {
    o["dtype"] = p.dtype;
    if (!p.quantization.empty()) o["quantization"] = p.quantization;
    o["tensorParallel"] = p.tp;
    o["contextLength"] = p.context;
    o["resource"] = p.resource;
    o["maxNumBatchedTokens"] = p.batch.tokens;
    o["maxNumSeqs"] = p.batch.seqs;
    o["memoryPerGpuGiB"] = p.per_gpu_gib;
    o["memoryPerGpu"] = json::object{{"weightsGiB", p.memory.weights},         {"overheadGiB", p.memory.overhead},
                                     {"activationsGiB", p.memory.activations}, {"logitsGiB", p.memory.logits},
                                     {"cudaGraphsGiB", p.memory.graphs},       {"kvCacheGiB", p.memory.kv},
                                     {"loraGiB", p.memory.lora}};
  }
  json::array nodes;
  for (const auto& n : p.nodes) nodes.push_back(json::string(n));
  o["nodes"] = std::move(nodes);
  json::array verdicts;
  for (const auto& v : p.verdicts) {
    json::object vo{{"node", v.node}, {"fits", v.fits}, {"reason", v.reason}};
    if (v.tp > 0) {
      vo["tensorParallel"] = v.tp;
      vo["contextLength"] = v.context;
    }
    verdicts.push_back(std::move(vo));
  }
  o["verdicts"] = std::move(verdicts);
  return o;
}

// "batch 8192 tokens x 1024 seqs", and why when it is not vLLM's own.
std::string BatchPhrase(const gpu::Plan& p, const PlanFlags& flags) {
  std::string s = "batch " + std::to_string(p.batch.tokens) + " tokens x " + std::to_string(p.batch.seqs) + " seqs";
  if (flags.batch_tokens) return s + " (--max-num-batched-tokens)";
  if (p.batch.tokens < p.server_default.tokens) {
    return s + " (less than vLLM's " + std::to_string(p.server_default.tokens) + " on this GPU, for a longer context)";
  }
  return s;
}

// Where the memory per GPU goes.
std::string TermsPhrase(const gpu::Plan& p) {
  const gpu::MemoryTerms& t = p.memory;
  return Fixed(t.weights, " GiB") + " weights + " + Fixed(t.overhead, " GiB") + " overhead + " +
         Fixed(t.activations, " GiB") + " activations + " + Fixed(t.logits, " GiB") + " logits + " +
         Fixed(t.graphs, " GiB") + " CUDA graphs + " + Fixed(t.kv, " GiB") + " KV cache (" +
         std::to_string(p.context) + " tokens)" + (t.lora > 0 ? " + " + Fixed(t.lora, " GiB") + " LoRA" : "");
}

std::string NodeList(const gpu::Plan& p) { return p.nodes.empty() ? "<none>" : boost::algorithm::join(p.nodes, ","); }

}  // namespace

std::string RenderModelPlan(const gpu::Model& m, const gpu::Plan& plan, const PlanFlags& flags, int dtype_bytes,
                            const std::string& output) {
  std::ostringstream o;
  if (!output.empty()) {
    json::object doc = ModelToJson(m);
    doc["plan"] = PlanToJson(plan);
    PrintDocument(o, doc, output);
    return o.str();
  }
  o << "Model:     " << m.name << " (" << m.repo << ", licence " << m.license << (m.gated ? ", gated: needs an HF token" : "")
    << ")\n";
  o << "Shape:     " << Fixed(m.params_b, "B") << " parameters, " << m.layers << " layers, " << m.attention_heads
    << " attention heads, " << m.kv_heads << " KV heads, head dim " << m.head_dim << ", up to " << m.max_context
    << " tokens\n";
  const std::string dtype = !flags.quantization.empty() ? flags.quantization
                            : plan.ok                    ? plan.dtype
                            : flags.dtype == "auto"      ? "16-bit"
                                                         : flags.dtype;
  o << "Memory:    " << Fixed(m.WeightsGiB(gpu::Widths::Of(dtype_bytes, flags.quantization).weight), " GiB")
    << " of weights ("
    << dtype << "), "
    << m.KvBytesPerToken(dtype_bytes) / 1024 << " KiB of KV cache per token\n";
  if (plan.ok) {
    o << "Plan:      TP " << plan.tp << " on " << plan.resource << " at " << plan.dtype
      << (plan.quantization.empty() ? "" : " + " + plan.quantization) << ", context " << plan.context
      << " tokens, " << BatchPhrase(plan, flags) << ", " << Fixed(plan.per_gpu_gib, " GiB")
      << " per GPU at utilization " << Fixed(flags.utilization, "") << "\n";
    o << "Per GPU:   " << TermsPhrase(plan) << "\n";
    o << "Nodes:     " << NodeList(plan) << "\n";
  } else {
    o << "Plan:      does not fit: " << plan.summary << "\n";
  }
  o << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : plan.verdicts) rows.push_back({v.node, v.fits ? "yes" : "no", v.reason});
  PrintTable(o, {"NODE", "FITS", "WHY"}, rows);
  return o.str();
}

std::string RenderModels(const std::vector<ModelRow>& models, int dtype_bytes, const std::string& output) {
  std::ostringstream out;
  const bool fits = !models.empty() && models.front().plan.has_value();
  if (output == "json" || output == "yaml") {
    json::array items;
    for (const auto& [m, plan] : models) {
      json::object o = ModelToJson(*m);
      if (plan) o["plan"] = PlanToJson(*plan);
      items.push_back(std::move(o));
    }
    PrintDocument(out, json::object{{"apiVersion", "kubectl-lm/v1alpha1"}, {"kind", "ModelList"},
                                    {"items", std::move(items)}}, output);
    return out.str();
  }
  std::vector<std::string> headers = {"NAME", "PARAMS", "MAX-CONTEXT", "WEIGHTS", "MIN-GPU-MEMORY", "GATED"};
  if (output == "wide") {
    headers.insert(headers.begin() + 1, "REPO");
    headers.push_back("LICENSE");
  }
  if (fits) for (const char* h : {"FITS", "TP", "CONTEXT", "NODES"}) headers.push_back(h);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [model, plan] : models) {
    const gpu::Model& m = *model;
    std::vector<std::string> row = {
        m.name, Fixed(m.params_b, "B"), Tokens(m.max_context), Fixed(m.weights_gib, "Gi"),
        Fixed(MinGpuMemory(m, gpu::Widths::Of(dtype_bytes)), "Gi"),
        m.gated ? "yes" : "no"};
    if (output == "wide") {
      row.insert(row.begin() + 1, m.repo);
      row.push_back(m.license);
    }
    if (fits) {
      const gpu::Plan& p = *plan;
      row.push_back(p.ok ? "yes" : "no");
      row.push_back(p.ok ? std::to_string(p.tp) : "-");
      row.push_back(p.ok ? std::to_string(p.context) : "-");
      row.push_back(p.ok ? NodeList(p) : "-");
    }
    rows.push_back(std::move(row));
  }
  PrintTable(out, headers, rows);
  if (fits) out << "\nkubectl lm models NAME explains, node by node, why a model fits or not.\n";
  return out.str();
}

}  // namespace lm
