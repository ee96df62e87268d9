// The flags that choose a model and shape its plan, shared by models and
// deploy: --tensor-parallel, --context-length, --dtype, --replicas, --node,
// --gpu-memory-utilization, and a custom model's shape.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gpu/catalog.h"
#include "gpu/placement.h"
#include "kube/status.h"

namespace lm {

struct PlanFlags {
  std::optional<int> tp;
  std::optional<long> context;
  std::string dtype = "bfloat16";
  int replicas = 1;
  std::vector<std::string> nodes;
  double utilization = gpu::kDefaultUtilization;
  // A custom model (NAME is a Hugging Face repo id "org/name"): its shape.
  std::optional<double> params_b;
  std::optional<int> layers, heads, kv_heads, head_dim;
  std::optional<long> max_context;
};

// Consumes args[*i] (and its value) when it is one of the flags above.
// Returns false when it is not; sets *error when it is but is malformed.
bool TakePlanFlag(const std::vector<std::string>& args, size_t* i, PlanFlags* flags, std::string* error);

// A catalog model by name, or a custom one when `name` is a repo id and the
// shape flags are given. Unknown names suggest the nearest catalog entry.
kube::Result<gpu::Model> ResolveModel(const std::string& name, const PlanFlags& flags);

// Bytes per parameter and per KV element for --dtype.
kube::Result<int> DtypeBytes(const std::string& dtype);

gpu::PlanRequest MakePlanRequest(const gpu::Model& model, const PlanFlags& flags, int dtype_bytes);

extern const char kPlanFlagsHelp[];

}  // namespace lm
