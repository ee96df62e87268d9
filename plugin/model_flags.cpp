#include "plugin/model_flags.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include <boost/algorithm/string/join.hpp>

#include "gpu/compute.h"
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
      {{"max-num-batched-tokens", 0, "N",
        "tokens the server batches per step, which sets its activation memory (default: vLLM's for the GPU, "
        "or less where that wins context)"},
       [](PlanFlags& f, const std::string& v) {
         auto n = ParseCount(v, gpu::kMaxBatchTokens);
         if (!n || *n < gpu::kMinBatchTokens) {
           return Invalid("max-num-batched-tokens", v,
                          "use a whole number from " + std::to_string(gpu::kMinBatchTokens) + " to " +
                              std::to_string(gpu::kMaxBatchTokens));
         }
         f.batch_tokens = static_cast<long>(*n);
         return std::string();
       }},
      {{"dtype", 0, "TYPE", "auto, bfloat16, float16 or float32 (default auto: bfloat16 on GPUs that run it, else float16)",
        {"auto", "bfloat16", "float16", "float32"}},
       [](PlanFlags& f, const std::string& v) {
         auto b = DtypeBytes(v);
         if (!b.ok()) return b.status().message();
         f.dtype = v;
         return std::string();
       }},
      {{"quantization", 0, "METHOD",
        "fp8 (a 16-bit model quantized as it loads; compute capability 8.9+), or awq or gptq (for such a checkpoint)",
        {"fp8", "awq", "gptq"}},
       [](PlanFlags& f, const std::string& v) {
         if (!gpu::KnownQuantization(v)) return Invalid("quantization", v, "use fp8, awq or gptq");
         f.quantization = v;
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
      CountFlag<PlanFlags>({"vocab-size", 0, "N", "custom model: config.json vocab_size (default 262144)"}, &PlanFlags::vocab, kMaxVocab),
  };
  return table;
}

kube::Result<int> DtypeBytes(const std::string& dtype) {
  if (auto bytes = gpu::DtypeBytes(dtype)) return *bytes;
  return Status(Kind::kInvalidArgument, "invalid --dtype \"" + dtype + "\": use auto, bfloat16, float16 or float32");
}

namespace {

// What vLLM would refuse at start, refused before anything is asked of the cluster.
// (The catalog's checkpoints are all 16-bit.)
Status CheckQuantization(const gpu::Model& m, const PlanFlags& f, bool from_catalog) {
  const std::string& q = f.quantization;
  if (q == "awq" || q == "gptq") {
    if (from_catalog) {
      return Status(Kind::kInvalidArgument, "--quantization " + q + " needs a checkpoint quantized with " + q + ", and " +
                                                m.repo + " is 16-bit: give such a repo id with its shape flags, or use "
                                                "--quantization fp8");
    }
    if (f.dtype != "auto" && f.dtype != "float16") {
      return Status(Kind::kInvalidArgument, "--quantization " + q + " runs at float16 in vLLM: drop --dtype " + f.dtype);
    }
  }
  if (q == "fp8" && f.dtype == "float32") {
    return Status(Kind::kInvalidArgument, "--quantization fp8 runs with 16-bit activations: drop --dtype float32");
  }
  return Status::Ok();
}

// The model NAME stands for: a catalog entry, or a repo id with its shape.
kube::Result<gpu::Model> ResolveModelShape(const std::string& name, const PlanFlags& f) {
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
  m.vocab = f.vocab.value_or(kAssumedVocab);
  m.weights_gib = m.params_b * 1e9 * 2 / (1024.0 * 1024 * 1024);
  if (m.attention_heads % m.kv_heads != 0) {
    return Status(Kind::kInvalidArgument, "--heads " + std::to_string(m.attention_heads) +
                                              " must be a multiple of --kv-heads " + std::to_string(m.kv_heads));
  }
  return m;
}

}  // namespace

kube::Result<gpu::Model> ResolveModel(const std::string& name, const PlanFlags& f) {
  auto m = ResolveModelShape(name, f);
  if (!m.ok()) return m;
  Status q = CheckQuantization(*m, f, gpu::FindModel(name) != nullptr);
  if (!q.ok()) return q;
  return m;
}


namespace {

// A word the shell reads back unchanged: as it is when it is plain, else in
// single quotes.
std::string ShellWord(const std::string& w) {
  bool plain = !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_./:=,@%+", c);
  });
  if (plain) return w;
  std::string q = "'";
  for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

std::string PlanFlagArgs(const PlanFlags& f) {
  std::vector<std::string> a;
  auto add = [&](const std::string& flag, const std::string& value) { a.push_back(flag + " " + ShellWord(value)); };
  if (f.tp) add("--tensor-parallel", std::to_string(*f.tp));
  if (f.context) add("--context-length", std::to_string(*f.context));
  if (f.batch_tokens) add("--max-num-batched-tokens", std::to_string(*f.batch_tokens));
  if (f.dtype != "auto") add("--dtype", f.dtype);
  if (!f.quantization.empty()) add("--quantization", f.quantization);
  if (f.replicas != 1) add("--replicas", std::to_string(f.replicas));
  for (const auto& n : f.nodes) add("--node", n);
  if (f.utilization != gpu::kDefaultUtilization) add("--gpu-memory-utilization", Number(f.utilization));
  if (f.params_b) add("--params", Number(*f.params_b));
  if (f.layers) add("--layers", std::to_string(*f.layers));
  if (f.heads) add("--heads", std::to_string(*f.heads));
  if (f.kv_heads) add("--kv-heads", std::to_string(*f.kv_heads));
  if (f.head_dim) add("--head-dim", std::to_string(*f.head_dim));
  if (f.max_context) add("--max-context", std::to_string(*f.max_context));
  if (f.vocab) add("--vocab-size", std::to_string(*f.vocab));
  return boost::algorithm::join(a, " ");
}

std::string QuantizedSuggestion(const std::string& model, const PlanFlags& flags, const std::string& deploy_args,
                                const std::optional<gpu::Plan>& alt) {
  if (!alt) return "";
  PlanFlags fp8 = flags;
  fp8.quantization = "fp8";
  std::string args = PlanFlagArgs(fp8);
  return "; at 8 bits it fits: kubectl lm deploy " + ShellWord(model) + (deploy_args.empty() ? "" : " " + deploy_args) +
         " " + args + " (TP " + std::to_string(alt->tp) + " on " + boost::algorithm::join(alt->nodes, ",") +
         ", up to " + std::to_string(alt->context) + " tokens)";
}

gpu::PlanRequest MakePlanRequest(const gpu::Model& model, const PlanFlags& f, int dtype_bytes) {
  gpu::PlanRequest r;
  r.model = &model;
  r.dtype = f.dtype;
  r.dtype_bytes = dtype_bytes;
  r.quantization = f.quantization;
  r.tp = f.tp;
  r.context = f.context;
  r.batch_tokens = f.batch_tokens;
  r.utilization = f.utilization;
  r.replicas = f.replicas;
  r.nodes = f.nodes;
  return r;
}

}  // namespace lm
