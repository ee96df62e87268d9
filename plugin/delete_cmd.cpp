// kubectl lm delete NAME [--dry-run=client|server]: removes exactly what
// deploy made (objects labelled as this deployment's, and the node label),
// nothing else.
#include <boost/json.hpp>

#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/render.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

kube::Status RunDelete(App& app, const std::vector<std::string>& args) {
  std::string name;
  kube::DryRun dry_run = kube::DryRun::kNone;
  for (const auto& a : args) {
    if (a == "--dry-run=server") {
      dry_run = kube::DryRun::kServer;
    } else if (a == "--dry-run" || a == "--dry-run=client") {
      dry_run = kube::DryRun::kClient;
    } else if (!a.empty() && a[0] != '-' && name.empty()) {
      name = a;
    } else {
      return Status(Kind::kInvalidArgument, "unknown argument \"" + a + "\" for \"kubectl lm delete\" (usage: kubectl lm delete NAME)");
    }
  }
  if (name.empty()) return Status(Kind::kInvalidArgument, "delete needs the NAME of a model deployment (kubectl lm status lists them)");
  auto client = app.Connect();
  if (!client.ok()) return client.status();
  kube::Client& c = **client;
  const std::string ns = c.config().namespace_;
  const std::string selector = "app.kubernetes.io/managed-by=kubectl-lm,kubectl-lm.io/deployment=" + name;
  const std::string suffix = dry_run == kube::DryRun::kServer ? " (server dry run)"
                             : dry_run == kube::DryRun::kClient ? " (dry run)" : "";

  // What deploy may have made, found by our labels only.
  struct Kind_ { const char* path; const char* out; };
  const Kind_ kinds[] = {{"/apis/apps/v1/namespaces/{ns}/deployments", "deployment.apps"},
                         {"/api/v1/namespaces/{ns}/services", "service"},
                         {"/api/v1/namespaces/{ns}/secrets", "secret"},
                         {"/api/v1/namespaces/{ns}/persistentvolumeclaims", "persistentvolumeclaim"}};
  std::vector<std::pair<std::string, std::string>> found;  // path, "kind \"name\""
  for (const auto& k : kinds) {
    std::string base = k.path;
    base.replace(base.find("{ns}"), 4, ns);
    kube::ListOptions lo;
    lo.label_selector = selector;
    auto r = c.List(base, lo, [&](json::object& o) {
      std::string n(o.at("metadata").at("name").as_string());
      found.emplace_back(base + "/" + n, std::string(k.out) + " \"" + n + "\"");
      return Status::Ok();
    });
    if (!r.ok()) return r.status().WithContext(std::string("list ") + k.out);
  }
  const std::string label_key = NodeLabelKey(name, ns);
  std::vector<std::string> nodes;
  kube::ListOptions by_label;
  by_label.label_selector = label_key;
  auto r = c.List("/api/v1/nodes", by_label, [&](json::object& n) {
    nodes.push_back(std::string(n.at("metadata").at("name").as_string()));
    return Status::Ok();
  });
  if (!r.ok()) return r.status().WithContext("list nodes labelled " + label_key);
  if (found.empty() && nodes.empty()) {
    return Status(Kind::kNotFound, "no model deployment \"" + name + "\" in namespace " + ns +
                                       ": nothing to delete (kubectl lm status -A lists them all)");
  }
  for (const auto& [path, what] : found) {
    if (dry_run != kube::DryRun::kClient) {
      Status s = c.Delete(path, dry_run);
      if (!s.ok() && s.kind() != Kind::kNotFound) return s.WithContext("delete " + what);
    }
    app.out << what << " deleted" << suffix << "\n";
  }
  for (const auto& n : nodes) {
    if (dry_run != kube::DryRun::kClient) {
      auto p = c.MergePatch("/api/v1/nodes/" + n, json::object{{"metadata", {{"labels", {{label_key, nullptr}}}}}},
                            "kubectl-lm", dry_run);
      if (!p.ok() && p.status().kind() != Kind::kNotFound) return p.status().WithContext("unlabel node " + n);
    }
    app.out << "node/" << n << " unlabeled" << suffix << "\n";
  }
  return Status::Ok();
}

}  // namespace lm
