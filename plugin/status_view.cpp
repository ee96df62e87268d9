#include "plugin/views.h"

#include <cstdio>
#include <sstream>

#include <boost/algorithm/string/join.hpp>
#include <boost/json.hpp>

#include "kube/rfc3339.h"
#include "plugin/printers.h"

namespace lm {
namespace json = boost::json;
namespace {

std::string JoinNodes(const std::vector<std::string>& v) { return v.empty() ? "<none>" : boost::algorithm::join(v, ","); }

json::object TimelineJson(const Timeline& t) {
  json::array steps;
  for (const auto& s : t.steps) {
    json::object step{{"name", s.name}, {"running", s.running}};
    if (s.took) step["seconds"] = s.took->count();
    if (s.reported_seconds) step["reportedSeconds"] = *s.reported_seconds;
    if (!s.detail.empty()) step["detail"] = s.detail;
    steps.push_back(std::move(step));
  }
  json::object o{{"pod", t.pod}, {"steps", std::move(steps)}, {"serverReady", t.ready}};
  if (!t.failure.empty()) o["failure"] = t.failure;
  if (!t.progress.empty()) o["progress"] = t.progress;
  if (t.remaining_seconds) o["remainingSeconds"] = *t.remaining_seconds;
  if (t.quiet) o["logQuietSeconds"] = t.quiet->count();
  return o;
}

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
  if (d.timeline) o["timeline"] = TimelineJson(*d.timeline);
  if (!d.cache.empty()) o["cache"] = d.cache;
  o["apiKey"] = d.api_key ? json::value(json::object{{"secret", d.api_key->secret}, {"key", d.api_key->key}})
                          : json::value(nullptr);
  o["servedModels"] = json::array(d.served.begin(), d.served.end());
  if (d.probe) {
    json::object probe{{"answered", d.probe->answered}};
    if (d.probe->answered) probe["milliseconds"] = d.probe->milliseconds;
    else probe["reason"] = d.probe->reason;
    o["probe"] = std::move(probe);
  }
  return o;
}

// What the DETAIL column says of a step.
std::string StepDetail(const TimelineStep& s, const Timeline& t, bool last) {
  std::string d = s.detail;
  auto add = [&](const std::string& more) { d += (d.empty() ? "" : "; ") + more; };
  if (s.reported_seconds && s.detail.empty()) {
    char b[48];
    std::snprintf(b, sizeof b, "vLLM: %.1f s", *s.reported_seconds);
    add(b);
  }
  if (s.running && last) {
    add("running");
    if (!t.progress.empty()) add(t.progress);
    if (t.remaining_seconds) add("about " + ShortDuration(std::chrono::seconds(static_cast<long long>(*t.remaining_seconds))) + " left");
    if (t.quiet && t.quiet->count() >= 60) add("no new log line for " + ShortDuration(*t.quiet));
    if (s.name == "download weights") add("vLLM logs no progress while it downloads");
  }
  return d;
}

void PrintTimeline(std::ostream& o, const Timeline& t) {
  o << "\nStart-up of " << t.pod << ":\n";
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < t.steps.size(); ++i) {
    const auto& s = t.steps[i];
    rows.push_back({s.name, s.took ? ShortDuration(*s.took) + (s.running ? "+" : "") : "-",
                    StepDetail(s, t, i + 1 == t.steps.size())});
  }
  std::ostringstream table;
  PrintTable(table, {"STEP", "TOOK", "DETAIL"}, rows);
  std::istringstream lines(table.str());
  for (std::string line; std::getline(lines, line);) o << "  " << line << "\n";
  if (!t.failure.empty()) o << "  failed: " << t.failure << "\n";
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
    << "Endpoint:   " << d.endpoint << " (kubectl lm chat " << d.name << " \"hello\")\n"
    << "Access:     "
    << (d.api_key ? "requires the key in secret " + d.api_key->secret + ", key " + d.api_key->key +
                        " (Authorization: Bearer KEY)"
                  : std::string("open to every pod on the cluster's network (deploy --api-key-secret requires a key)"))
    << "\n";
  if (!d.cache.empty()) o << "Cache:      " << d.cache << " (weights kubectl lm pull staged, mounted read-only)\n";
  if (d.served.size() > 1) {
    o << "Serves:     " << boost::algorithm::join(d.served, ", ") << " (the model, then its LoRA adapters; kubectl lm "
      << "chat " << d.name << " --model NAME)\n";
  }
  if (d.timeline && !d.timeline->steps.empty()) PrintTimeline(o, *d.timeline);
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
