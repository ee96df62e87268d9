#include "plugin/model_flags.h"

#include <algorithm>

#include "plugin/options.h"
#include "plugin/suggest.h"

namespace lm {
namespace {

using kube::Kind;
using kube::Status;

template <class T>
bool ParseNumber(const std::string& s, T* out) {
  try {
    size_t used = 0;
    if constexpr (std::is_same_v<T, double>) {
      *out = std::stod(s, &used);
    } else {
      *out = static_cast<T>(std::stol(s, &used));
    }
    return used == s.size() && *out > 0;
  } catch (...) {
    return false;
  }
}

}  // namespace

const char kPlanFlagsHelp[] =
    "  --tensor-parallel N       GPUs per replica (default: the smallest that fits)\n"
    "  --context-length N        max tokens per sequence (default: the largest that fits)\n"
    "  --dtype bfloat16|float16|float32\n"
    "  --replicas N              (default 1)\n"
    "  --node NAME               consider only this node (repeatable)\n"
    "  --gpu-memory-utilization F  share of each GPU's memory vLLM may use (default 0.9)\n"
    "  custom model (NAME is a Hugging Face repo id): --params B --layers N --heads N\n"
    "      --kv-heads N --head-dim N --max-context N\n";

bool TakePlanFlag(const std::vector<std::string>& args, size_t* i, PlanFlags* f, std::string* error) {
  std::string v;
  auto integer = [&](const char* name, auto* target) {
    long n;
    if (!ParseNumber(v, &n)) {
      *error = "invalid --" + std::string(name) + " \"" + v + "\": use a positive whole number";
      return;
    }
    *target = static_cast<std::remove_reference_t<decltype(**target)>>(n);
  };
  if (TakeFlag(args, i, "tensor-parallel", 0, &v, error)) {
    if (error->empty()) integer("tensor-parallel", &f->tp);
  } else if (TakeFlag(args, i, "context-length", 0, &v, error)) {
    if (error->empty()) integer("context-length", &f->context);
  } else if (TakeFlag(args, i, "dtype", 0, &v, error)) {
    f->dtype = v;
    if (error->empty() && !DtypeBytes(v).ok()) *error = DtypeBytes(v).status().message();
  } else if (TakeFlag(args, i, "replicas", 0, &v, error)) {
    std::optional<int> r;
    if (error->empty()) integer("replicas", &r);
    if (r) f->replicas = *r;
  } else if (TakeFlag(args, i, "node", 0, &v, error)) {
    f->nodes.push_back(v);
  } else if (TakeFlag(args, i, "gpu-memory-utilization", 0, &v, error)) {
    double u;
    if (!ParseNumber(v, &u) || u > 1) {
      *error = "invalid --gpu-memory-utilization \"" + v + "\": use a fraction such as 0.9";
    } else {
      f->utilization = u;
    }
  } else if (TakeFlag(args, i, "params", 0, &v, error)) {
    double p;
    if (!ParseNumber(v, &p)) *error = "invalid --params \"" + v + "\": use billions of parameters, e.g. 7.2";
    else f->params_b = p;
  } else if (TakeFlag(args, i, "layers", 0, &v, error)) {
    if (error->empty()) integer("layers", &f->layers);
  } else if (TakeFlag(args, i, "heads", 0, &v, error)) {
    if (error->empty()) integer("heads", &f->heads);
  } else if (TakeFlag(args, i, "kv-heads", 0, &v, error)) {
    if (error->empty()) integer("kv-heads", &f->kv_heads);
  } else if (TakeFlag(args, i, "head-dim", 0, &v, error)) {
    if (error->empty()) integer("head-dim", &f->head_dim);
  } else if (TakeFlag(args, i, "max-context", 0, &v, error)) {
    if (error->empty()) integer("max-context", &f->max_context);
  } else {
    return false;
  }
  return true;
}

kube::Result<int> DtypeBytes(const std::string& dtype) {
  if (dtype == "bfloat16" || dtype == "float16" || dtype == "half" || dtype == "auto") return 2;
  if (dtype == "float32" || dtype == "float") return 4;
  return Status(Kind::kInvalidArgument, "invalid --dtype \"" + dtype + "\": use bfloat16, float16 or float32");
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
  std::vector<std::string> missing;
  if (!f.params_b) missing.push_back("--params");
  if (!f.layers) missing.push_back("--layers");
  if (!f.heads) missing.push_back("--heads");
  if (!f.kv_heads) missing.push_back("--kv-heads");
  if (!f.head_dim) missing.push_back("--head-dim");
  if (!f.max_context) missing.push_back("--max-context");
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return Status(Kind::kInvalidArgument, "custom model \"" + name + "\" needs its shape: add " + list +
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
  r.dtype_bytes = dtype_bytes;
  r.tp = f.tp;
  r.context = f.context;
  r.utilization = f.utilization;
  r.replicas = f.replicas;
  r.nodes = f.nodes;
  return r;
}

}  // namespace lm
