#include "gpu/instance_types.h"

#include <map>

namespace gpu {
namespace {

// Per-GPU memory is the card's (80 GB cards report 81920 MiB or thereabouts
// through NVML; the table uses the nominal size in MiB, as KAITO's SKU table
// uses nominal GiB: kaito pkg/sku/azure_sku_handler.go, aws_sku_handler.go).
// Sources: learn.microsoft.com/azure/virtual-machines/sizes (NC A100 v4,
// ND A100 v4, NC H100 v5, ND H100 v5, ND H200 v5, NCasT4_v3, NVadsA10 v5),
// aws.amazon.com/ec2/instance-types (P4d, P4de, P5, G5, G6, G4dn),
// cloud.google.com/compute/docs/gpus (A2, A3, G2).
const std::map<std::string, InstanceGpu>& Table() {
  static const std::map<std::string, InstanceGpu> t = {
      // AKS
      {"Standard_NC4as_T4_v3", {"Tesla-T4", 1, 16384, "turing"}},
      {"Standard_NC8as_T4_v3", {"Tesla-T4", 1, 16384, "turing"}},
      {"Standard_NC16as_T4_v3", {"Tesla-T4", 1, 16384, "turing"}},
      {"Standard_NC64as_T4_v3", {"Tesla-T4", 4, 16384, "turing"}},
      {"Standard_NV36ads_A10_v5", {"NVIDIA-A10", 1, 24576, "ampere"}},
      {"Standard_NV72ads_A10_v5", {"NVIDIA-A10", 2, 24576, "ampere"}},
      {"Standard_NC24ads_A100_v4", {"NVIDIA-A100-80GB-PCIe", 1, 81920, "ampere"}},
      {"Standard_NC48ads_A100_v4", {"NVIDIA-A100-80GB-PCIe", 2, 81920, "ampere"}},
      {"Standard_NC96ads_A100_v4", {"NVIDIA-A100-80GB-PCIe", 4, 81920, "ampere"}},
      {"Standard_ND96asr_v4", {"NVIDIA-A100-SXM4-40GB", 8, 40960, "ampere"}},
      {"Standard_ND96asr_A100_v4", {"NVIDIA-A100-SXM4-40GB", 8, 40960, "ampere"}},
      {"Standard_ND96amsr_A100_v4", {"NVIDIA-A100-SXM4-80GB", 8, 81920, "ampere"}},
      {"Standard_NC40ads_H100_v5", {"NVIDIA-H100-NVL", 1, 96256, "hopper"}},
      {"Standard_NC80adis_H100_v5", {"NVIDIA-H100-NVL", 2, 96256, "hopper"}},
      {"Standard_ND96isr_H100_v5", {"NVIDIA-H100-80GB-HBM3", 8, 81920, "hopper"}},
      {"Standard_ND96isr_H200_v5", {"NVIDIA-H200", 8, 144384, "hopper"}},
      // EKS
      {"g4dn.xlarge", {"Tesla-T4", 1, 16384, "turing"}},
      {"g4dn.2xlarge", {"Tesla-T4", 1, 16384, "turing"}},
      {"g4dn.4xlarge", {"Tesla-T4", 1, 16384, "turing"}},
      {"g4dn.8xlarge", {"Tesla-T4", 1, 16384, "turing"}},
      {"g4dn.12xlarge", {"Tesla-T4", 4, 16384, "turing"}},
      {"g4dn.metal", {"Tesla-T4", 8, 16384, "turing"}},
      {"g5.xlarge", {"NVIDIA-A10G", 1, 24576, "ampere"}},
      {"g5.2xlarge", {"NVIDIA-A10G", 1, 24576, "ampere"}},
      {"g5.4xlarge", {"NVIDIA-A10G", 1, 24576, "ampere"}},
      {"g5.8xlarge", {"NVIDIA-A10G", 1, 24576, "ampere"}},
      {"g5.12xlarge", {"NVIDIA-A10G", 4, 24576, "ampere"}},
      {"g5.24xlarge", {"NVIDIA-A10G", 4, 24576, "ampere"}},
      {"g5.48xlarge", {"NVIDIA-A10G", 8, 24576, "ampere"}},
      {"g6.xlarge", {"NVIDIA-L4", 1, 23034, "ada-lovelace"}},
      {"g6.12xlarge", {"NVIDIA-L4", 4, 23034, "ada-lovelace"}},
      {"g6.48xlarge", {"NVIDIA-L4", 8, 23034, "ada-lovelace"}},
      {"p4d.24xlarge", {"NVIDIA-A100-SXM4-40GB", 8, 40960, "ampere"}},
      {"p4de.24xlarge", {"NVIDIA-A100-SXM4-80GB", 8, 81920, "ampere"}},
      {"p5.48xlarge", {"NVIDIA-H100-80GB-HBM3", 8, 81920, "hopper"}},
      {"p5e.48xlarge", {"NVIDIA-H200", 8, 144384, "hopper"}},
      // GKE
      {"g2-standard-4", {"NVIDIA-L4", 1, 23034, "ada-lovelace"}},
      {"g2-standard-8", {"NVIDIA-L4", 1, 23034, "ada-lovelace"}},
      {"g2-standard-12", {"NVIDIA-L4", 1, 23034, "ada-lovelace"}},
      {"g2-standard-16", {"NVIDIA-L4", 1, 23034, "ada-lovelace"}},
      {"g2-standard-24", {"NVIDIA-L4", 2, 23034, "ada-lovelace"}},
      {"g2-standard-32", {"NVIDIA-L4", 1, 23034, "ada-lovelace"}},
      {"g2-standard-48", {"NVIDIA-L4", 4, 23034, "ada-lovelace"}},
      {"g2-standard-96", {"NVIDIA-L4", 8, 23034, "ada-lovelace"}},
      {"a2-highgpu-1g", {"NVIDIA-A100-SXM4-40GB", 1, 40960, "ampere"}},
      {"a2-highgpu-2g", {"NVIDIA-A100-SXM4-40GB", 2, 40960, "ampere"}},
      {"a2-highgpu-4g", {"NVIDIA-A100-SXM4-40GB", 4, 40960, "ampere"}},
      {"a2-highgpu-8g", {"NVIDIA-A100-SXM4-40GB", 8, 40960, "ampere"}},
      {"a2-ultragpu-1g", {"NVIDIA-A100-SXM4-80GB", 1, 81920, "ampere"}},
      {"a2-ultragpu-8g", {"NVIDIA-A100-SXM4-80GB", 8, 81920, "ampere"}},
      {"a3-highgpu-8g", {"NVIDIA-H100-80GB-HBM3", 8, 81920, "hopper"}},
  };
  return t;
}

}  // namespace

std::optional<InstanceGpu> LookupInstanceType(const std::string& instance_type) {
  auto it = Table().find(instance_type);
  if (it == Table().end()) return std::nullopt;
  return it->second;
}

}  // namespace gpu
