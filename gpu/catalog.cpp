#include "gpu/catalog.h"

namespace gpu {

// Each row: name, repo, licence, gated, params (B), layers, attention heads,
// KV heads, head dim, max context, bf16 weights (GiB), vocabulary, MLP width,
// Mistral format.
// Shape numbers are the fields of https://huggingface.co/<repo>/blob/main/config.json
// (num_hidden_layers, num_attention_heads, num_key_value_heads,
// hidden_size/num_attention_heads or head_dim, max_position_embeddings,
// vocab_size, intermediate_size);
// params and weights are the safetensors totals the model card lists
// (weights = params x 2 bytes for bf16). The KV bytes per token they give
// match KAITO's presets (kaito presets/workspace/models/*/model.go
// BytesPerToken) where KAITO has the model.
const std::vector<Model>& Catalog() {
  static const std::vector<Model> models = {
      // microsoft/Phi-3-mini-4k-instruct config.json: 32 layers, 32 heads, 32 KV heads,
      // hidden 3072 (head dim 96), max_position_embeddings 4096; 3.82B params.
      {"phi-3-mini-4k", "microsoft/Phi-3-mini-4k-instruct", "mit", false, 3.82, 32, 32, 32, 96, 4096, 7.12, 32064, 8192},
      // microsoft/Phi-3-mini-128k-instruct: the same shape, max_position_embeddings 131072.
      {"phi-3-mini-128k", "microsoft/Phi-3-mini-128k-instruct", "mit", false, 3.82, 32, 32, 32, 96, 131072, 7.12, 32064, 8192},
      // microsoft/Phi-3-medium-4k-instruct: 40 layers, 40 heads, 10 KV heads, hidden 5120
      // (head dim 128), max_position_embeddings 4096; 13.96B params.
      {"phi-3-medium-4k", "microsoft/Phi-3-medium-4k-instruct", "mit", false, 13.96, 40, 40, 10, 128, 4096, 26.00, 32064, 17920},
      // microsoft/Phi-3-medium-128k-instruct: the same shape, 131072.
      {"phi-3-medium-128k", "microsoft/Phi-3-medium-128k-instruct", "mit", false, 13.96, 40, 40, 10, 128, 131072, 26.00, 32064, 17920},
      // microsoft/Phi-3.5-mini-instruct: Phi-3-mini's shape, max_position_embeddings 131072.
      {"phi-3.5-mini", "microsoft/Phi-3.5-mini-instruct", "mit", false, 3.82, 32, 32, 32, 96, 131072, 7.12, 32064, 8192},
      // microsoft/phi-4: 40 layers, 40 heads, 10 KV heads, hidden 5120, 16384; 14.66B.
      {"phi-4", "microsoft/phi-4", "mit", false, 14.66, 40, 40, 10, 128, 16384, 27.31, 100352, 17920},
      // microsoft/Phi-4-mini-instruct: 32 layers, 24 heads, 8 KV heads, hidden 3072
      // (head dim 128), max_position_embeddings 131072; 3.84B.
      {"phi-4-mini", "microsoft/Phi-4-mini-instruct", "mit", false, 3.84, 32, 24, 8, 128, 131072, 7.15, 200064, 8192},
      // meta-llama/Llama-3.1-8B-Instruct: 32 layers, 32 heads, 8 KV heads, hidden 4096,
      // 131072; 8.03B; gated behind the Llama 3.1 licence.
      {"llama-3.1-8b", "meta-llama/Llama-3.1-8B-Instruct", "llama3.1", true, 8.03, 32, 32, 8, 128, 131072, 14.96, 128256, 14336},
      // meta-llama/Llama-3.3-70B-Instruct (Llama-3.1-70B's architecture): 80 layers,
      // 64 heads, 8 KV heads, hidden 8192, 131072; 70.55B; gated. Named for what it
      // deploys (it was llama-3.1-70b).
      {"llama-3.3-70b", "meta-llama/Llama-3.3-70B-Instruct", "llama3.3", true, 70.55, 80, 64, 8, 128, 131072, 131.42, 128256, 28672},
      // mistralai/Mistral-7B-Instruct-v0.3: 32 layers, 32 heads, 8 KV heads, hidden 4096,
      // 32768; 7.25B; mistralai repos are gated since April 2024.
      {"mistral-7b", "mistralai/Mistral-7B-Instruct-v0.3", "apache-2.0", true, 7.25, 32, 32, 8, 128, 32768, 13.50, 32768, 14336, true},
      // Qwen/Qwen2.5-7B-Instruct: 28 layers, 28 heads, 4 KV heads, hidden 3584, 32768; 7.62B.
      {"qwen2.5-7b", "Qwen/Qwen2.5-7B-Instruct", "apache-2.0", false, 7.62, 28, 28, 4, 128, 32768, 14.19, 152064, 18944},
      // Qwen/Qwen2.5-Coder-32B-Instruct: 64 layers, 40 heads, 8 KV heads, hidden 5120,
      // 32768; 32.76B.
      {"qwen2.5-coder-32b", "Qwen/Qwen2.5-Coder-32B-Instruct", "apache-2.0", false, 32.76, 64, 40, 8, 128, 32768, 61.03, 152064, 27648},
      // deepseek-ai/DeepSeek-R1-Distill-Llama-8B: Llama-3.1-8B's shape, 131072. Its card:
      // MIT, and "derived from Llama3.1-8B-Base and is originally licensed under llama3.1
      // license", so the licence carries that lineage: both apply.
      {"deepseek-r1-distill-llama-8b", "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "mit+llama3.1", false, 8.03, 32, 32, 8, 128, 131072, 14.96, 128256, 14336},
  };
  return models;
}

const Model* FindModel(const std::string& name) {
  // Short names people use for the common variant.
  static const std::pair<const char*, const char*> kAliases[] = {
      {"phi-3-mini", "phi-3-mini-4k"}, {"phi-3-medium", "phi-3-medium-4k"},
      {"mistral-7b-v0.3", "mistral-7b"}};
  std::string key = name;
  for (auto [alias, target] : kAliases) {
    if (name == alias) key = target;
  }
  for (const Model& m : Catalog()) {
    if (m.name == key) return &m;
  }
  return nullptr;
}

std::optional<int> DtypeBytes(std::string_view dtype) {
  static const std::pair<std::string_view, int> kDtypes[] = {
      {"bfloat16", 2}, {"float16", 2}, {"half", 2}, {"auto", 2}, {"float32", 4}, {"float", 4}};
  for (const auto& [name, bytes] : kDtypes) {
    if (dtype == name) return bytes;
  }
  return std::nullopt;
}

}  // namespace gpu
