#include "plugin/views.h"

#include <cstdio>
#include <sstream>

#include <boost/algorithm/string/join.hpp>
#include <boost/json.hpp>

#include "gpu/units.h"
#include "plugin/printers.h"

namespace lm {
namespace json = boost::json;
namespace {

std::string MemoryText(const std::optional<long long>& mib) {
  if (!mib) return "<unknown>";
  if (*mib % 1024 == 0) return std::to_string(*mib / 1024) + "Gi";
  return gpu::OneDecimal(*mib / 1024.0, "Gi");
}

std::string ReadyText(const gpu::NodeGpus& n) {
  std::string s = n.ready ? "Ready" : "NotReady";
  if (n.unschedulable) s += ",SchedulingDisabled";
  return s;
}

const char* SourceText(gpu::MemorySource s) {
  switch (s) {
    case gpu::MemorySource::kLabel: return "label";
    case gpu::MemorySource::kInstanceType: return "instance-type";
    default: return "unknown";
  }
}

bool Mig(const gpu::NodeGpus& n) {
  for (const auto& r : n.resources) if (r.mig) return true;
  return false;
}

// Where the compute capability came from, as -o json says it.
const char* ComputeSourceText(gpu::ComputeSource s) {
  switch (s) {
    case gpu::ComputeSource::kLabel: return "label";
    case gpu::ComputeSource::kProduct: return "product";
    case gpu::ComputeSource::kFamily: return "family";
    case gpu::ComputeSource::kUnknown: break;
  }
  return "unknown";
}

}  // namespace

json::object NodeToJson(const gpu::NodeGpus& n) {
  json::object o;
  o["name"] = n.name;
  o["product"] = n.product.empty() ? json::value(nullptr) : json::value(n.product.str());
  o["family"] = n.family.empty() ? json::value(nullptr) : json::value(n.family.str());
  o["memoryMiB"] = n.memory_mib ? json::value(*n.memory_mib) : json::value(nullptr);
  o["memorySource"] = SourceText(n.memory_source);
  o["allocatable"] = n.allocatable();
  o["requested"] = n.requested();
  o["free"] = n.free();
  o["ready"] = n.ready;
  o["schedulable"] = !n.unschedulable;
  o["instanceType"] = n.instance_type.empty() ? json::value(nullptr) : json::value(n.instance_type.str());
  o["driverVersion"] = n.driver_version.empty() ? json::value(nullptr) : json::value(n.driver_version.str());
  o["computeCapability"] = n.compute ? json::value(n.compute->ToString()) : json::value(nullptr);
  o["computeCapabilitySource"] = ComputeSourceText(n.compute_source);
  json::array resources;
  for (const auto& r : n.resources) {
    json::object ro{{"name", r.name}, {"allocatable", r.allocatable}, {"requested", r.requested}, {"free", r.free()},
                    {"mig", r.mig}, {"shared", r.shared}};
    ro["memoryMiB"] = r.memory_mib ? json::value(*r.memory_mib) : json::value(nullptr);
    resources.push_back(std::move(ro));
  }
  o["resources"] = std::move(resources);
  json::array taints;
  for (const auto& t : n.taints) {
    taints.push_back({{"key", t.key.str()}, {"value", t.value.str()}, {"effect", t.effect.str()},
                      {"tolerated", gpu::DefaultTolerationsCover(t)}});
  }
  o["taints"] = std::move(taints);
  return o;
}

void RenderNodes(std::ostream& out, const std::vector<const gpu::NodeGpus*>& shown, const std::string& output) {
  if (output == "json") {
    JsonListWriter list(out, "kubectl-lm/v1alpha1", "GpuNodeList");
    for (const auto* n : shown) list.Add(NodeToJson(*n));
    list.Finish();
    return;
  }
  if (output == "yaml") {
    json::array items;
    for (const auto* n : shown) items.push_back(NodeToJson(*n));
    json::object doc{{"apiVersion", "kubectl-lm/v1alpha1"}, {"kind", "GpuNodeList"}, {"items", std::move(items)}};
    PrintDocument(out, doc, output);
    return;
  }
  std::vector<std::string> headers = {"NODE", "GPU", "MEMORY", "TOTAL", "FREE", "READY"};
  if (output == "wide") {
    for (const char* h : {"FAMILY", "COMPUTE", "DRIVER", "INSTANCE-TYPE", "MEMORY-FROM", "RESOURCES", "UNTOLERATED-TAINTS"}) {
      headers.push_back(h);
    }
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto* n : shown) {
    std::string product = n->has_gpus() ? (n->product.empty() ? "<unknown>" : n->product) : "<none>";
    if (Mig(*n)) product += " (MIG)";
    std::vector<std::string> row = {n->name, product, n->has_gpus() ? MemoryText(n->memory_mib) : "-",
                                    std::to_string(n->allocatable()), std::to_string(n->free()), ReadyText(*n)};
    if (output == "wide") {
      std::vector<std::string> free_of, untolerated;
      for (const auto& r : n->resources) {
        free_of.push_back(r.name + "=" + std::to_string(r.free()) + "/" + std::to_string(r.allocatable));
      }
      for (const auto& t : n->untolerated_taints()) untolerated.push_back(t.ToString());
      std::string resources = boost::algorithm::join(free_of, ","), taints = boost::algorithm::join(untolerated, ",");
      row.push_back(n->family.empty() ? "<unknown>" : n->family);
      row.push_back(!n->has_gpus() ? "-" : n->compute ? n->compute->ToString() : "<unknown>");
      row.push_back(n->driver_version.empty() ? "<unknown>" : n->driver_version);
      row.push_back(n->instance_type.empty() ? "<none>" : n->instance_type);
      row.push_back(n->has_gpus() ? SourceText(n->memory_source) : "-");
      row.push_back(resources.empty() ? "<none>" : resources);
      row.push_back(taints.empty() ? "<none>" : taints);
    }
    rows.push_back(std::move(row));
  }
  PrintTable(out, headers, rows);
}

}  // namespace lm
