// GPU shapes of cloud instance types, for nodes without GPU Feature
// Discovery labels: AKS's GPU VM sizes and the common EKS and GKE GPU types.
#pragma once

#include <optional>
#include <string>

namespace gpu {

struct InstanceGpu {
  std::string product;   // as GFD would name it, e.g. "NVIDIA-A100-80GB-PCIe"
  int count = 0;         // GPUs per instance
  long long memory_mib = 0;  // per GPU
  std::string family;    // ampere, hopper, ada-lovelace, turing
};

// nullopt when the instance type is not a GPU type we know.
std::optional<InstanceGpu> LookupInstanceType(const std::string& instance_type);

}  // namespace gpu
