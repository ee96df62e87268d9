// Renderers: pure functions from what a command gathered and decided to
// the text it prints, for every -o the command takes. Tables, JSON and
// YAML come from the same data. Tested against golden files made from
// objects captured on the test cluster (tests/unit/plugin/views_test.cpp,
// tests/testdata/golden/, scripts/update-golden).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "gpu/catalog.h"
#include "gpu/inventory.h"
#include "gpu/placement.h"
#include "plugin/model_flags.h"
#include "plugin/deployment_status.h"

namespace lm {

// kubectl lm nodes: a table ("" or "wide"), or a GpuNodeList ("json", "yaml").
boost::json::object NodeToJson(const gpu::NodeGpus& node);
// JSON goes out node by node (JsonListWriter), so its memory stays flat.
void RenderNodes(std::ostream& out, const std::vector<const gpu::NodeGpus*>& nodes, const std::string& output);

// kubectl lm models: the catalog, with each model's plan when --fits asked.
struct ModelRow {
  const gpu::Model* model;
  std::optional<gpu::Plan> plan;
};
std::string RenderModels(const std::vector<ModelRow>& models, int dtype_bytes, const std::string& output);
// kubectl lm models NAME: one model's plan, node by node.
std::string RenderModelPlan(const gpu::Model& model, const gpu::Plan& plan, const PlanFlags& flags, int dtype_bytes,
                            const std::string& output);

// kubectl lm status [NAME]: a table, one deployment in detail (NAME), or a
// ModelDeploymentList; ages counted to `now`.
std::string RenderStatus(const std::vector<DeploymentStatus>& items, const std::string& name,
                         const std::string& output, bool all_namespaces, std::chrono::system_clock::time_point now);

}  // namespace lm
