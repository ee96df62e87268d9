// GPU inventory: what each node offers, from Node and Pod objects as the API
// server returns them. Pure: objects in, plain structs out.
//
// Nodes and pods can be fed in any order, page by page; the builder keeps a
// small record per node and nothing per pod, so memory does not grow with
// the number of pods.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "gpu/compute.h"
#include "gpu/interned.h"
#include "kube/quantity.h"

namespace gpu {

struct Taint {
  Interned key, value, effect;
  std::string ToString() const { return key + (value.empty() ? "" : "=" + value) + ":" + effect; }
};

// The tolerations every workload of ours carries (KAITO adds the same two):
// nvidia.com/gpu Exists NoSchedule, and sku=gpu NoSchedule.
bool DefaultTolerationsCover(const Taint& taint);

// One GPU resource of a node: nvidia.com/gpu, nvidia.com/gpu.shared or a
// MIG slice type (nvidia.com/mig-3g.40gb).
struct GpuResource {
  std::string name;
  long long allocatable = 0;
  long long requested = 0;
  long long free() const { return allocatable > requested ? allocatable - requested : 0; }
  bool mig = false;
  bool shared = false;                 // time-sliced: replicas share one GPU's memory
  std::optional<long long> memory_mib;  // per device (whole GPU or one slice)
};

enum class MemorySource { kLabel, kInstanceType, kUnknown };

struct NodeGpus {
  std::string name;
  Interned product;                    // "" = unknown
  Interned family;
  std::optional<long long> memory_mib;  // per whole GPU
  MemorySource memory_source = MemorySource::kUnknown;
  Interned instance_type;
  Interned driver_version;             // e.g. "550.127.05", or the major alone
  std::optional<ComputeCapability> compute;
  ComputeSource compute_source = ComputeSource::kUnknown;
  std::vector<GpuResource> resources;  // sorted by name; empty for a CPU node
  bool ready = false;
  bool unschedulable = false;
  std::vector<Taint> taints;           // NoSchedule and NoExecute only

  bool has_gpus() const { return !resources.empty(); }
  long long allocatable() const;       // devices over all GPU resources
  long long requested() const;
  long long free() const;
  // Taints our default tolerations do not cover.
  std::vector<Taint> untolerated_taints() const;
};

// True for the resource names that denote GPUs.
bool IsGpuResource(const std::string& name);

// A pod's effective request per GPU resource: the larger of the biggest init
// container and the sum of the containers, plus overhead; an extended
// resource's request defaults to its limit.
std::map<std::string, kube::Quantity> EffectiveGpuRequests(const boost::json::object& pod);

class InventoryBuilder {
 public:
  void AddNode(const boost::json::object& node);
  // Counts the pod against its node when it is bound and neither Succeeded
  // nor Failed; other pods are ignored.
  void AddPod(const boost::json::object& pod);
  // The nodes in name order (a node added twice: its last record); pods on
  // nodes never added are dropped. The records are handed out, not copied:
  // the builder is empty after.
  std::vector<NodeGpus> Finish();

 private:
  // In the order added: the API server lists nodes in name order, so this
  // is usually sorted already, and no per-node index is kept (its memory
  // would grow with the nodes, as the records' does).
  std::vector<NodeGpus> nodes_;
  bool sorted_ = true;
  std::map<std::string, std::map<std::string, kube::Quantity>> requested_;  // node -> resource -> sum
};

}  // namespace gpu
