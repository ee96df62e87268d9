#include "gpu/server.h"

#include <array>
#include <cstdio>

namespace gpu {
namespace {

// Each option ServerCommand may set.
// (-tp and -q are vLLM's short names for two of them.)
constexpr std::array<const char*, 20> kPlanned = {
    "--model",         "--served-model-name",      "--tensor-parallel-size", "-tp",
    "--max-model-len", "--max-num-batched-tokens", "--max-num-seqs",         "--gpu-memory-utilization",
    "--dtype",         "--quantization",           "-q",                     "--tokenizer-mode",
    "--config-format", "--load-format",            "--enable-lora",          "--lora-modules",
    "--max-loras",     "--max-lora-rank",          "--host",                 "--port"};

}  // namespace

std::vector<std::string> ServerCommand(const ServerConfig& c) {
  char util[16];
  std::snprintf(util, sizeof util, "%.2f", c.gpu_memory_utilization);
  std::vector<std::string> argv = {"vllm", "serve", c.model,
                                   "--served-model-name", c.served_name,
                                   "--tensor-parallel-size", std::to_string(c.tensor_parallel)};
  if (c.max_model_len > 0) {
    argv.insert(argv.end(), {"--max-model-len", std::to_string(c.max_model_len)});
  }
  // The budget the plan's memory was sized for: vLLM's own default depends
  // on the GPU it finds, and a larger one than planned could leave no room
  // for the KV cache.
  if (c.batch.tokens > 0) {
    argv.insert(argv.end(), {"--max-num-batched-tokens", std::to_string(c.batch.tokens), "--max-num-seqs",
                             std::to_string(c.batch.seqs)});
  }
  argv.insert(argv.end(), {"--gpu-memory-utilization", util, "--dtype", c.dtype});
  if (!c.quantization.empty()) argv.insert(argv.end(), {"--quantization", c.quantization});
  if (c.mistral_format) {
    // Mistral's repos ship their own formats (KAITO serves them the same way).
    argv.insert(argv.end(), {"--tokenizer-mode", "mistral", "--config-format", "mistral", "--load-format", "mistral"});
  }
  if (!c.lora_modules.empty()) {
    // Every adapter has a slot on the GPU, so none waits for another.
    argv.insert(argv.end(), {"--enable-lora", "--max-loras", std::to_string(c.lora_modules.size()), "--max-lora-rank",
                             std::to_string(c.max_lora_rank), "--lora-modules"});
    for (const auto& [name, source] : c.lora_modules) argv.push_back(name + "=" + source);
  }
  argv.insert(argv.end(), {"--host", "0.0.0.0", "--port", std::to_string(kServerPort)});
  argv.insert(argv.end(), c.extra_args.begin(), c.extra_args.end());
  return argv;
}

int LoraRankFor(int rank) {
  for (int r : kLoraRanks) {
    if (rank <= r) return r;
  }
  return 0;
}

std::optional<std::string> PlannedServerOption(const std::string& arg) {
  // vLLM's parser (argparse) also takes underscores and "--opt=value".
  std::string option = arg.substr(0, arg.find('='));
  for (size_t i = 2; i < option.size(); ++i) {
    if (option[i] == '_') option[i] = '-';
  }
  for (const char* p : kPlanned) {
    if (option == p) return option;
  }
  return std::nullopt;
}

}  // namespace gpu
