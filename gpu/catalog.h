// The model catalog compiled into the binary, and custom models described by
// their shape. Numbers come from each model's config.json on Hugging Face,
// cited beside each entry in catalog.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpu {

struct Model {
  std::string name;           // the catalog key users type: "phi-3-mini-4k"
  std::string repo;           // Hugging Face repo id
  std::string license;
  bool gated = false;         // needs an HF token that accepted the licence
  double params_b = 0;        // parameters, billions
  int layers = 0;             // num_hidden_layers
  int attention_heads = 0;    // num_attention_heads
  int kv_heads = 0;           // num_key_value_heads
  int head_dim = 0;           // head_dim, else hidden_size / num_attention_heads
  long max_context = 0;       // max_position_embeddings
  double weights_gib = 0;     // bf16 safetensors, GiB
  long vocab = 0;             // vocab_size: the width of the logits vLLM samples from
  long intermediate = 0;      // intermediate_size: the MLP's width (LoRA buffers)
  bool mistral_format = false;  // vLLM needs --tokenizer-mode/--config-format/--load-format mistral

  // KV cache bytes per token: 2 (K and V) x layers x kv heads x head dim x bytes.
  long long KvBytesPerToken(int dtype_bytes) const {
    return 2LL * layers * kv_heads * head_dim * dtype_bytes;
  }
  // hidden_size: num_attention_heads x head_dim for every catalog model
  // (their config.json), and what a custom model's shape gives.
  long long Hidden() const { return 1LL * attention_heads * head_dim; }
  // Weights at `bytes` per parameter (the catalog's sizes are bf16).
  double WeightsGiB(double bytes) const { return weights_gib * bytes / 2.0; }
};

const std::vector<Model>& Catalog();
// nullptr when no catalog entry has that name or alias ("phi-3-mini" is
// phi-3-mini-4k, "phi-3-medium" phi-3-medium-4k; no name says 3.1 for the
// 3.3 model the catalog deploys).
const Model* FindModel(const std::string& name);

// Bytes per parameter (and per KV-cache element) of a vLLM --dtype:
// bfloat16, float16 (half), float32 (float), or auto (the catalog's bf16).
// Nothing for any other name.
std::optional<int> DtypeBytes(std::string_view dtype);

}  // namespace gpu
