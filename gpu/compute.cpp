#include "gpu/compute.h"

#include <map>
#include <vector>

namespace gpu {
namespace {

// NVIDIA's table (developer.nvidia.com/cuda-gpus), for the GPUs clusters
// hold, keyed by the model token of GFD's product name.
const std::map<std::string, ComputeCapability>& ByModel() {
  static const std::map<std::string, ComputeCapability> t = {
      {"B200", {10, 0}}, {"B100", {10, 0}}, {"GB200", {10, 0}},
      {"H200", {9, 0}},  {"H100", {9, 0}},  {"GH200", {9, 0}}, {"H800", {9, 0}}, {"H20", {9, 0}},
      {"L40S", {8, 9}},  {"L40", {8, 9}},   {"L4", {8, 9}},    {"L20", {8, 9}},
      {"A100", {8, 0}},  {"A800", {8, 0}},  {"A30", {8, 0}},
      {"A10", {8, 6}},   {"A10G", {8, 6}},  {"A40", {8, 6}},   {"A16", {8, 6}},  {"A2", {8, 6}},
      {"A6000", {8, 6}}, {"A5000", {8, 6}}, {"A4000", {8, 6}},
      {"T4", {7, 5}},    {"V100", {7, 0}},  {"V100S", {7, 0}},
      {"P100", {6, 0}},  {"P40", {6, 1}},   {"P4", {6, 1}},
  };
  return t;
}

}  // namespace

std::optional<ComputeCapability> ComputeCapabilityOfProduct(const std::string& product) {
  // "NVIDIA-A100-SXM4-80GB", "Tesla-V100-SXM2-16GB", "NVIDIA-RTX-A6000":
  // the first token the table knows names the model.
  size_t start = 0;
  while (start <= product.size()) {
    size_t end = product.find_first_of("- ", start);
    if (end == std::string::npos) end = product.size();
    auto it = ByModel().find(product.substr(start, end - start));
    if (it != ByModel().end()) return it->second;
    start = end + 1;
  }
  return std::nullopt;
}

std::optional<ComputeCapability> ComputeCapabilityOfFamily(const std::string& family) {
  // GFD's nvidia.com/gpu.family values; the lowest capability in each.
  static const std::map<std::string, ComputeCapability> t = {
      {"blackwell", {10, 0}}, {"hopper", {9, 0}}, {"ada-lovelace", {8, 9}}, {"ampere", {8, 0}},
      {"turing", {7, 5}},     {"volta", {7, 0}},  {"pascal", {6, 0}},
  };
  auto it = t.find(family);
  if (it == t.end()) return std::nullopt;
  return it->second;
}

std::string NativeDtype(const std::optional<ComputeCapability>& cc) {
  return cc && *cc >= ComputeCapability{8, 0} ? "bfloat16" : "float16";
}

std::optional<ComputeCapability> DtypeNeeds(const std::string& dtype) {
  if (dtype == "bfloat16") return ComputeCapability{8, 0};
  return std::nullopt;
}

bool KnownQuantization(const std::string& q) { return q == "fp8" || q == "awq" || q == "gptq"; }

double WeightBytes(int dtype_bytes, const std::string& q) {
  if (q == "fp8") return 1;
  if (q == "awq" || q == "gptq") return 0.5;
  return dtype_bytes;
}

std::optional<ComputeCapability> QuantizationNeeds(const std::string& q) {
  // vLLM's get_min_capability() of Fp8Config (89 for FP8 computation; on
  // Ampere vLLM falls back to weight-only FP8 Marlin, which kubectl-lm does
  // not plan), AWQConfig (75) and GPTQConfig (60).
  if (q == "fp8") return ComputeCapability{8, 9};
  if (q == "awq") return ComputeCapability{7, 5};
  if (q == "gptq") return ComputeCapability{6, 0};
  return std::nullopt;
}

}  // namespace gpu
