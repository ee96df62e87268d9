// The inference server's command line: the one contract between kubectl-lm
// and the image it runs. Deploy puts exactly this argv in the container's
// command and args, so any image with vLLM's `vllm` on PATH serves the plan
// unmodified: the upstream vllm/vllm-openai image deploy uses by default,
// and the project's own image (manifests/image), which sets nothing of its
// own. Pure, so each case is pinned by a unit test.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gpu/placement.h"

namespace gpu {

// The port the server listens on; the Deployment's probes and the Service
// name it "http".
inline constexpr int kServerPort = 8000;

struct ServerConfig {
  std::string model;                 // Hugging Face repo id
  std::string served_name;           // the name /v1/models lists
  int tensor_parallel = 1;
  long max_model_len = 0;            // tokens; 0 = the model's own
  BatchBudget batch;                 // --max-num-batched-tokens/--max-num-seqs; 0 = vLLM's own
  double gpu_memory_utilization = kDefaultUtilization;
  std::string dtype = "bfloat16";    // vLLM --dtype
  std::string quantization;          // vLLM --quantization; "" = none
  bool mistral_format = false;       // Mistral's own tokenizer, config and weights format
  // LoRA adapters served beside the model: name, Hugging Face repo or path.
  std::vector<std::pair<std::string, std::string>> lora_modules;
  int max_lora_rank = 0;             // vLLM --max-lora-rank, one of kLoraRanks
  std::vector<std::string> extra_args;  // appended as given (deploy --server-arg)
};

// The ranks vLLM accepts for --max-lora-rank (vllm/config/lora.py,
// LoRAConfig's possible_max_ranks).
inline constexpr int kLoraRanks[] = {8, 16, 32, 64, 128, 256, 320, 512};
// The smallest of them that holds `rank`, or 0 when none does.
int LoraRankFor(int rank);

// argv, starting "vllm", "serve", MODEL.
std::vector<std::string> ServerCommand(const ServerConfig& config);

// The vllm serve options ServerCommand sets from the plan: --server-arg may
// not set them too (the plan would no longer describe the server). Returns
// the option `arg` sets when it is one of them ("--dtype=half" -> "--dtype").
std::optional<std::string> PlannedServerOption(const std::string& arg);

}  // namespace gpu
