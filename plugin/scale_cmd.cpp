// kubectl lm scale NAME --replicas N: to 0 it frees the deployment's GPUs
// and keeps everything else (Deployment, Service, node labels, cache); up,
// it first checks that the nodes that passed the memory check hold the
// replicas now, and refuses with a reason per node when they do not. It
// sets the Deployment's scale subresource, the same field deploy --replicas
// applies: whichever ran last says how many.
#include <boost/algorithm/string/join.hpp>
#include <boost/json.hpp>

#include "gpu/placement.h"
#include "kube/json_fields.h"
#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/deployment_status.h"
#include "plugin/executor.h"
#include "plugin/gather.h"
#include "plugin/model_flags.h"
#include "plugin/options.h"
#include "plugin/ownership.h"
#include "plugin/printers.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

namespace {

const auto& Obj = kube::ObjField;
const auto& Str = kube::StrField;

struct ScaleOptions {
  std::optional<int> replicas;
  kube::DryRun dry_run = kube::DryRun::kNone;
};

// One replica's GPUs, as a TP size the placement functions take.
std::pair<std::string, int> ReplicaTp(const json::object& deployment) {
  const auto [resource, count] = ReplicaGpus(deployment);
  return {resource, static_cast<int>(std::min<long long>(count, gpu::kMaxTensorParallel))};
}

// Scaling up: the nodes deploy labelled must hold the new replicas now.
Status CheckRoom(App& app, kube::Client& client, const std::string& ns, const std::string& name,
                 const json::object& deployment, int replicas) {
  const auto [resource, tp] = ReplicaTp(deployment);
  const std::vector<std::string> nodes = own::LabelledNodes(deployment);
  if (resource.empty() || nodes.empty()) return Status::Ok();  // nothing kubectl-lm planned to check
  // Its own pods are not counted: they are the replicas being replaced.
  auto inventory = GatherInventory(client, [&](const json::object& pod) { return own::IsPodOf(pod, name, ns); });
  if (!inventory.ok()) return inventory.status();
  const auto room = gpu::RoomOn(*inventory, nodes, resource, tp);
  long long held = 0;
  for (const auto& r : room) held += r.replicas;
  if (held >= replicas) return Status::Ok();
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : room) rows.push_back({r.node, std::to_string(r.replicas), r.reason});
  PrintTable(app.err, {"NODE", "HOLDS", "WHY"}, rows);
  return Status(Kind::kInvalidArgument,
                "cannot scale " + name + " to " + std::to_string(replicas) + " replica(s): the nodes that passed its "
                "memory check hold " + std::to_string(held) + " now (the reasons per node are above; nothing was "
                "changed; kubectl lm deploy with --replicas plans again over every node)");
}

kube::Status RunScale(App& app, ScaleOptions& o, const std::vector<std::string>& positionals) {
  const std::string name = positionals.front();
  if (!o.replicas) return Status(Kind::kInvalidArgument, "scale needs --replicas N (0 frees the GPUs)");
  auto connected = app.Connect();
  if (!connected.ok()) return connected.status();
  kube::Client& client = **connected;
  const std::string ns = client.config().namespace_;
  const std::string path = "/apis/apps/v1/namespaces/" + ns + "/deployments/" + name;
  auto current = client.Get(path);
  if (!current.ok() && current.status().kind() != Kind::kNotFound) return current.status();
  if (!current.ok() || !current->is_object() || !own::BelongsTo(current->as_object(), name)) {
    return Status(Kind::kNotFound, "no model deployment \"" + name + "\" in namespace " + ns +
                                       " (kubectl lm status -A lists them all)");
  }
  const json::object& d = current->as_object();
  const int64_t was = kube::IntField(Obj(&d, "spec"), "replicas");
  if (*o.replicas > was) {
    Status room = CheckRoom(app, client, ns, name, d, *o.replicas);
    if (!room.ok()) return room;
  }
  const std::string suffix = DryRunSuffix(o.dry_run);
  if (o.dry_run != kube::DryRun::kClient) {
    // The uid checked above is a precondition: a Deployment made again
    // under the name since is not changed.
    const json::object patch{{"metadata", {{"uid", Str(Obj(&d, "metadata"), "uid")}}},
                             {"spec", {{"replicas", *o.replicas}}}};
    auto r = client.Do("PATCH", path + "/scale?fieldManager=kubectl-lm" +
                                    (o.dry_run == kube::DryRun::kServer ? "&dryRun=All" : ""),
                       json::serialize(patch), "application/merge-patch+json");
    if (!r.ok()) return r.status().WithContext("scale deployment.apps/" + name);
  }
  app.out << "deployment.apps/" << name << " scaled" << suffix << "\n";
  const auto [resource, tp] = ReplicaTp(d);
  if (*o.replicas == 0 && tp > 0) {
    app.err << name << ": scaled to 0; its " << tp * was << " " << resource << " are free; the Deployment, Service, "
            << "node labels and any model cache stay (kubectl lm scale " << name << " --replicas 1 starts it again)\n";
  }
  return Status::Ok();
}

}  // namespace

Command ScaleCommand() {
  return MakeCommand<ScaleOptions>(
      {"scale", "NAME", "Set a model deployment's replicas; 0 frees its GPUs and keeps the rest"},
      {{{"replicas", 0, "N", "model servers to run (0: none, the GPUs are freed)"},
        [](ScaleOptions& o, const std::string& v) {
          auto n = ParseInteger(v, 0, kMaxShape);
          if (!n) return Invalid("replicas", v, "use a whole number from 0 to " + std::to_string(kMaxShape));
          o.replicas = static_cast<int>(*n);
          return std::string();
        }},
       DryRunFlag<ScaleOptions>("client: only print; server: have the API server check it", &ScaleOptions::dry_run)},
      {1, 1, "scale needs the NAME of a model deployment, as kubectl lm status lists them"}, RunScale);
}

}  // namespace lm
