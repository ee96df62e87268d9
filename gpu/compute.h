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

// The vLLM --quantization methods kubectl-lm plans: fp8 (vLLM quantizes a
// 16-bit checkpoint's linear layers as it loads them), awq and gptq (4-bit
// checkpoints, which run at float16). True for those three.
bool KnownQuantization(const std::string& quantization);
// Bytes per parameter of the weights: 1 for fp8, 0.5 for 4-bit AWQ/GPTQ
// (KAITO's sizing counts params x bytes the same way), else `dtype_bytes`.
double WeightBytes(int dtype_bytes, const std::string& quantization);
// The compute capability vLLM's kernels for it need: FP8 computation 8.9
// (Ada Lovelace, Hopper), AWQ 7.5, GPTQ 6.0; nullopt for none.
std::optional<ComputeCapability> QuantizationNeeds(const std::string& quantization);

}  // namespace gpu
