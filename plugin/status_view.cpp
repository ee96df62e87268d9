#include "plugin/views.h"

#include <sstream>

#include <boost/algorithm/string/join.hpp>
#include <boost/json.hpp>

#include "kube/rfc3339.h"
#include "plugin/printers.h"

namespace lm {
namespace json = boost::json;
namespace {

std::string JoinNodes(const std::vector<std::string>& v) { return v.empty() ? "<none>" : boost::algorithm::join(v, ","); }

json::object ToJson(const DeploymentStatus& d) {
  json::array pods;
  for (const auto& p : d.phase.pods) {
    pods.push_back({{"name", p.name}, {"node", p.node}, {"phase", p.phase}, {"reason", p.reason},
                    {"ready", p.ready}, {"restarts", p.restarts}});
  }
  json::array nodes;
  for (const auto& n : d.nodes) nodes.push_back(json::string(n));
  json::object o{{"name", d.name}, {"namespace", d.namespace_}, {"model", d.model}, {"repo", d.repo},
          {"phase", d.phase.phase}, {"reason", d.phase.reason}, {"ready", d.phase.phase == "Ready"},
          {"readyReplicas", d.phase.ready_replicas}, {"replicas", d.phase.replicas}, {"gpus", d.gpus},
          {"nodes", std::move(nodes)}, {"endpoint", d.endpoint}, {"created", d.created}, {"plan", d.plan},
          {"pods", std::move(pods)}, {"lastLogLines", json::array(d.last_log.begin(), d.last_log.end())}};
  if (d.probe) {
    json::object probe{{"answered", d.probe->answered}};
    if (d.probe->answered) probe["milliseconds"] = d.probe->milliseconds;
    else probe["reason"] = d.probe->reason;
    o["probe"] = std::move(probe);
  }
  return o;
}

void PrintDetail(std::ostream& o, const DeploymentStatus& d) {
  o << "Name:       " << d.name << "\n"
    << "Namespace:  " << d.namespace_ << "\n"
    << "Model:      " << d.model << " (" << d.repo << ")\n"
    << "Phase:      " << d.phase.phase
    << (d.probe && d.probe->answered ? " (answered in " + std::to_string(d.probe->milliseconds) + " ms)" : "") << "\n";
  if (!d.phase.reason.empty()) o << "Reason:     " << d.phase.reason << "\n";
  o << "Ready:      " << d.phase.ready_replicas << "/" << d.phase.replicas << "\n"
    << "Plan:       " << d.plan << "\n"
    << "GPU nodes:  " << (d.labelled_nodes.empty() ? "<none>" : d.labelled_nodes) << " (passed the memory check)\n"
    << "Endpoint:   " << d.endpoint << " (kubectl lm chat " << d.name << " \"hello\")\n";
  if (!d.last_log.empty()) {
    o << "Last log lines of the crashed server:\n";
    for (const auto& l : d.last_log) o << "  " << l << "\n";
  }
  if (!d.phase.pods.empty()) {
    o << "\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : d.phase.pods) {
      rows.push_back({p.name, p.node.empty() ? "<none>" : p.node, p.phase, p.ready ? "true" : "false",
                      std::to_string(p.restarts), p.reason.empty() ? "-" : p.reason});
    }
    PrintTable(o, {"POD", "NODE", "PHASE", "READY", "RESTARTS", "REASON"}, rows);
  }
}

}  // namespace

std::string RenderStatus(const std::vector<DeploymentStatus>& items, const std::string& name, const std::string& output,
                         bool all_namespaces, std::chrono::system_clock::time_point now) {
  std::ostringstream o;
  if (output == "json" || output == "yaml") {
    json::array arr;
    for (const auto& d : items) arr.push_back(ToJson(d));
    PrintDocument(o, json::object{{"apiVersion", "kubectl-lm/v1alpha1"}, {"kind", "ModelDeploymentList"},
                                  {"items", std::move(arr)}}, output);
    return o.str();
  }
  if (!name.empty()) {
    PrintDetail(o, items.front());
    return o.str();
  }
  std::vector<std::string> headers = {"NAME", "MODEL", "PHASE", "READY", "GPUS", "NODES", "ENDPOINT", "AGE"};
  if (all_namespaces) headers.insert(headers.begin(), "NAMESPACE");
  if (output == "wide") headers.push_back("REASON");
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : items) {
    std::vector<std::string> row = {d.name, d.model, d.phase.phase,
                                    std::to_string(d.phase.ready_replicas) + "/" + std::to_string(d.phase.replicas),
                                    std::to_string(d.gpus), JoinNodes(d.nodes), d.endpoint, Age(d.created, now)};
    if (all_namespaces) row.insert(row.begin(), d.namespace_);
    if (output == "wide") row.push_back(d.phase.reason.empty() ? "-" : d.phase.reason);
    rows.push_back(std::move(row));
  }
  PrintTable(o, headers, rows);
  return o.str();
}


std::string Age(const std::string& rfc3339, std::chrono::system_clock::time_point now) {
  auto t = kube::ParseRfc3339(rfc3339);
  if (!t) return "<unknown>";
  long long s = std::chrono::duration_cast<std::chrono::seconds>(now - *t).count();
  if (s < 0) s = 0;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 2 * 3600) return std::to_string(s / 60) + "m";
  if (s < 48 * 3600) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

}  // namespace lm
