// CUDA compute capability: which number formats a GPU can run. vLLM refuses
// bfloat16 below 8.0 (Turing's T4 is 7.5, Volta's V100 7.0), and FP8
// computation needs 8.9 (Ada Lovelace, Hopper and later).
#pragma once

#include <compare>
#include <optional>
#include <string>

namespace gpu {

struct ComputeCapability {
  int major = 0, minor = 0;
  auto operator<=>(const ComputeCapability&) const = default;
  std::string ToString() const { return std::to_string(major) + "." + std::to_string(minor); }
};

// Where a node's compute capability was read.
enum class ComputeSource { kLabel, kProduct, kFamily, kUnknown };

// For GPUs whose node has no nvidia.com/gpu.compute.* labels: the common
// data-centre GPUs by GPU Feature Discovery's product name ("Tesla-T4",
// "NVIDIA-A100-SXM4-80GB"), else by its family ("ampere"; the lowest
// capability of that family). nullopt when neither is known.
std::optional<ComputeCapability> ComputeCapabilityOfProduct(const std::string& product);
std::optional<ComputeCapability> ComputeCapabilityOfFamily(const std::string& family);

// The dtype vLLM should run a 16-bit model at on such a GPU when the user
// names none: bfloat16 from 8.0, float16 below (and when unknown: float16
// runs everywhere vLLM does).
std::string NativeDtype(const std::optional<ComputeCapability>& cc);

// The compute capability `dtype` (vLLM's --dtype) needs; nullopt for none.
std::optional<ComputeCapability> DtypeNeeds(const std::string& dtype);

}  // namespace gpu
