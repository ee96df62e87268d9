#include "plugin/model_flags.h"

#include <algorithm>

#include <boost/algorithm/string/join.hpp>

#include "kube/printable.h"
#include "plugin/suggest.h"

namespace lm {
namespace {

using kube::Kind;
using kube::Status;

// Hugging Face's rule for repo ids (huggingface_hub validate_repo_id).
bool ValidRepoId(const std::string& id) {
  auto slash = id.find('/');
  if (id.size() > 96 || slash == std::string::npos || slash == 0 || slash + 1 == id.size() ||
      id.find('/', slash + 1) != std::string::npos) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '/';
  });
}

}  // namespace

const std::vector<Flag<PlanFlags>>& PlanFlagTable() {
  using F = Flag<PlanFlags>;
  static const std::vector<F> table = {
      CountFlag<PlanFlags>({"tensor-parallel", 0, "N", "GPUs per replica (default: the smallest that fits)"}, &PlanFlags::tp, gpu::kMaxTensorParallel),
      CountFlag<PlanFlags>({"context-length", 0, "N", "max tokens per sequence (default: the largest that fits)"}, &PlanFlags::context, kMaxContext),
      {{"dtype", 0, "TYPE", "auto, bfloat16, float16 or float32 (default auto: bfloat16 on GPUs that run it, else float16)",
        {"auto", "bfloat16", "float16", "float32"}},
       [](PlanFlags& f, const std::string& v) {
         auto b = DtypeBytes(v);
         if (!b.ok()) return b.status().message();
         f.dtype = v;
         return std::string();
       }},
      CountFlag<PlanFlags>({"replicas", 0, "N", "model servers, each on its own GPUs (default 1)"},
                           &PlanFlags::replicas, kMaxShape),
      {{"node", 0, "NAME", "consider only this node (repeatable)", {}, true},
       [](PlanFlags& f, const std::string& v) {
         f.nodes.push_back(v);
         return std::string();
       }},
      {{"gpu-memory-utilization", 0, "F", "share of each GPU's memory vLLM may use (default 0.9)"},
       [](PlanFlags& f, const std::string& v) {
         auto u = ParsePositive(v, 1);
         if (!u) return Invalid("gpu-memory-utilization", v, "use a fraction such as 0.9");
         f.utilization = *u;
         return std::string();
       }},
      {{"params", 0, "B", "custom model: billions of parameters, e.g. 7.2"},
       [](PlanFlags& f, const std::string& v) {
         auto p = ParsePositive(v, kMaxParamsBillion);
         if (!p) return Invalid("params", v, "use billions of parameters, e.g. 7.2");
         f.params_b = *p;
         return std::string();
       }},
      CountFlag<PlanFlags>({"layers", 0, "N", "custom model: hidden layers (config.json num_hidden_layers)"}, &PlanFlags::layers, kMaxShape),
      CountFlag<PlanFlags>({"heads", 0, "N", "custom model: attention heads"}, &PlanFlags::heads, kMaxShape),
      CountFlag<PlanFlags>({"kv-heads", 0, "N", "custom model: key/value heads"}, &PlanFlags::kv_heads, kMaxShape),
      CountFlag<PlanFlags>({"head-dim", 0, "N", "custom model: dimension of one head"}, &PlanFlags::head_dim, kMaxShape),
      CountFlag<PlanFlags>({"max-context", 0, "N", "custom model: longest context it supports"}, &PlanFlags::max_context, kMaxContext),
  };
  return table;
}

kube::Result<int> DtypeBytes(const std::string& dtype) {
  if (auto bytes = gpu::DtypeBytes(dtype)) return *bytes;
  return Status(Kind::kInvalidArgument, "invalid --dtype \"" + dtype + "\": use auto, bfloat16, float16 or float32");
}

kube::Result<gpu::Model> ResolveModel(const std::string& name, const PlanFlags& f) {
  if (const gpu::Model* m = gpu::FindModel(name)) return *m;
  if (name.find('/') == std::string::npos) {
    std::vector<std::string> names;
    for (const auto& m : gpu::Catalog()) names.push_back(m.name);
    std::string best = Nearest(name, names, 3);
    return Status(Kind::kInvalidArgument, "unknown model \"" + name + "\"" +
                                              (best.empty() ? "" : "; did you mean \"" + best + "\"?") +
                                              " (kubectl lm models lists them; a Hugging Face repo id with "
                                              "--params, --layers, --heads, --kv-heads, --head-dim and "
                                              "--max-context describes your own)");
  }
  if (!ValidRepoId(name)) {
    return Status(Kind::kInvalidArgument, "invalid model \"" + kube::Printable(name) + "\": a Hugging Face repo id is "
                                          "ORG/NAME of letters, digits, '-', '_' and '.' (at most 96 characters)");
  }
  std::vector<std::string> missing;
  if (!f.params_b) missing.push_back("--params");
  if (!f.layers) missing.push_back("--layers");
  if (!f.heads) missing.push_back("--heads");
  if (!f.kv_heads) missing.push_back("--kv-heads");
  if (!f.head_dim) missing.push_back("--head-dim");
  if (!f.max_context) missing.push_back("--max-context");
  if (!missing.empty()) {
    return Status(Kind::kInvalidArgument, "custom model \"" + name + "\" needs its shape: add " +
                                              boost::algorithm::join(missing, ", ") +
                                              " (the values are in its config.json)");
  }
  gpu::Model m;
  m.name = name.substr(name.rfind('/') + 1);
  std::transform(m.name.begin(), m.name.end(), m.name.begin(), [](unsigned char c) { return std::tolower(c); });
  m.repo = name;
  m.license = "unknown";
  m.params_b = *f.params_b;
  m.layers = *f.layers;
  m.attention_heads = *f.heads;
  m.kv_heads = *f.kv_heads;
  m.head_dim = *f.head_dim;
  m.max_context = *f.max_context;
  m.weights_gib = m.params_b * 1e9 * 2 / (1024.0 * 1024 * 1024);
  if (m.attention_heads % m.kv_heads != 0) {
    return Status(Kind::kInvalidArgument, "--heads " + std::to_string(m.attention_heads) +
                                              " must be a multiple of --kv-heads " + std::to_string(m.kv_heads));
  }
  return m;
}

gpu::PlanRequest MakePlanRequest(const gpu::Model& model, const PlanFlags& f, int dtype_bytes) {
  gpu::PlanRequest r;
  r.model = &model;
  r.dtype = f.dtype;
  r.dtype_bytes = dtype_bytes;
  r.tp = f.tp;
  r.context = f.context;
  r.utilization = f.utilization;
  r.replicas = f.replicas;
  r.nodes = f.nodes;
  return r;
}

}  // namespace lm
