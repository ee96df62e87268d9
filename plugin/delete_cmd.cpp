// kubectl lm delete NAME [--dry-run=client|server]: removes exactly what
// deploy made (objects labelled as this deployment's, by their uid, and the
// node label), nothing else. A model cache kubectl lm pull made outlives
// every deployment: only delete --cache MODEL removes it.
#include <span>

#include <boost/json.hpp>

#include "gpu/catalog.h"
#include "kube/json_fields.h"
#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/executor.h"
#include "plugin/ownership.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

namespace {

// Where deploy's objects live, and how kubectl names their kinds.
struct Collection {
  const char* path;  // {ns} is the namespace
  const char* kind;
};
constexpr Collection kCollections[] = {
    {"/apis/apps/v1/namespaces/{ns}/deployments", "deployment.apps"},
    {"/api/v1/namespaces/{ns}/services", "service"},
    {"/api/v1/namespaces/{ns}/secrets", "secret"},
    {"/api/v1/namespaces/{ns}/persistentvolumeclaims", "persistentvolumeclaim"},
};
// Where a model cache's objects live.
constexpr Collection kCacheCollections[] = {
    {"/apis/batch/v1/namespaces/{ns}/jobs", "job.batch"},
    {"/api/v1/namespaces/{ns}/persistentvolumeclaims", "persistentvolumeclaim"},
    {"/api/v1/namespaces/{ns}/secrets", "secret"},
};

// The objects `selector` finds in `collections`, each to be deleted by the
// uid it was listed with.
kube::Status PlanObjectDeletes(kube::Client& c, const std::string& ns, const std::string& selector,
                               std::span<const Collection> collections, std::vector<Change>& changes) {
  for (const auto& k : collections) {
    std::string base = k.path;
    base.replace(base.find("{ns}"), 4, ns);
    kube::ListOptions lo;
    lo.label_selector = selector;
    auto r = c.List(base, lo, [&](json::object& o) {
      const json::object* md = kube::ObjField(&o, "metadata");
      std::string n = kube::StrField(md, "name");
      Change ch{Change::Op::kDelete, base + "/" + n, std::string(k.kind) + " \"" + n + "\""};
      ch.uid = kube::StrField(md, "uid");
      changes.push_back(std::move(ch));
      return Status::Ok();
    });
    if (!r.ok()) return r.status().WithContext(std::string("list ") + k.kind);
  }
  return Status::Ok();
}

// Gathers by our labels only, and plans one change per object and node:
// each object deleted by the uid it was listed with, each node unlabelled.
kube::Result<std::vector<Change>> PlanDelete(kube::Client& c, const std::string& name, const std::string& ns) {
  std::vector<Change> changes;
  if (auto s = PlanObjectDeletes(c, ns, own::DeploymentSelector(name), kCollections, changes); !s.ok()) return s;
  const std::string key = own::NodeLabelKey(name, ns);
  kube::ListOptions by_label;
  by_label.label_selector = key;
  auto r = c.List("/api/v1/nodes", by_label, [&](json::object& n) {
    std::string node = kube::StrField(kube::ObjField(&n, "metadata"), "name");
    Change ch{Change::Op::kUnlabelNode, "/api/v1/nodes/" + node, "node/" + node};
    ch.label_key = key;
    changes.push_back(std::move(ch));
    return Status::Ok();
  });
  if (!r.ok()) return r.status().WithContext("list nodes labelled " + key);
  return changes;
}

struct DeleteOptions {
  kube::DryRun dry_run = kube::DryRun::kNone;
  bool cache = false;  // NAME is a MODEL whose pulled cache goes
};

// The cache of MODEL (a catalog name or a repo id), as pull named it.
std::string CacheOf(const std::string& model) {
  if (const gpu::Model* m = gpu::FindModel(model)) return own::CacheName(m->name);
  return own::CacheName(model.substr(model.find('/') + 1));
}

kube::Status RunDelete(App& app, DeleteOptions& o, const std::vector<std::string>& positionals) {
  const std::string name = positionals.front();
  const kube::DryRun dry_run = o.dry_run;
  auto client = app.Connect();
  if (!client.ok()) return client.status();
  const std::string ns = (*client)->config().namespace_;

  kube::Result<std::vector<Change>> changes = std::vector<Change>();
  if (o.cache) {
    const std::string cache = CacheOf(name);
    if (auto s = PlanObjectDeletes(**client, ns, own::CacheSelector(cache), kCacheCollections, *changes); !s.ok()) return s;
    if (changes->empty()) {
      return Status(Kind::kNotFound, "no model cache " + cache + " in namespace " + ns + ": nothing to delete");
    }
  } else {
    changes = PlanDelete(**client, name, ns);
    if (!changes.ok()) return changes.status();
    if (changes->empty()) {
      return Status(Kind::kNotFound, "no model deployment \"" + name + "\" in namespace " + ns +
                                         ": nothing to delete (kubectl lm status -A lists them all)");
    }
  }
  const std::string suffix = DryRunSuffix(dry_run);
  auto print = [&](const Change& c) {
    app.out << c.what << (c.op == Change::Op::kDelete ? " deleted" : " unlabeled") << suffix << "\n";
  };
  if (dry_run == kube::DryRun::kClient) {
    for (const auto& c : *changes) print(c);
    return Status::Ok();
  }
  ExecuteOptions eo;
  eo.dry_run = dry_run;
  eo.undo_on_failure = false;  // what is deleted cannot be put back; a re-run finishes the job
  eo.finish_hint = "kubectl lm delete " + std::string(o.cache ? "--cache " : "") + name;
  auto interrupts = app.deps.catch_interrupts ? app.deps.catch_interrupts() : nullptr;
  eo.interrupts = interrupts.get();
  return Execute(**client, *changes, eo, [&](const Change& c, const json::value&) { print(c); });
}

}  // namespace

Command DeleteCommand() {
  return MakeCommand<DeleteOptions>(
      {"delete", "NAME", "Remove a model deployment and the node labels it added"},
      {DryRunFlag<DeleteOptions>("client: only print; server: have the API server check each step",
                                 &DeleteOptions::dry_run),
       SwitchFlag<DeleteOptions>({"cache", 0, "", "NAME is a MODEL: remove the cache kubectl lm pull made for it"},
                                 &DeleteOptions::cache)},
      {1, 1, "delete needs the NAME of a model deployment, as kubectl lm status lists them"}, RunDelete);
}

}  // namespace lm
