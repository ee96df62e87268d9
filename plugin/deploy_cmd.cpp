// kubectl lm deploy MODEL [flags]: gather -> plan -> label and apply -> (wait).
#include <boost/algorithm/string/join.hpp>
#include <boost/json.hpp>

#include <cmath>
#include <optional>

#include "gpu/units.h"
#include "kube/access_review.h"
#include "kube/json_fields.h"
#include "kube/quantity.h"
#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/deploy.h"
#include "plugin/deploy_plan.h"
#include "plugin/executor.h"
#include "plugin/gather.h"
#include "plugin/hub.h"
#include "plugin/ownership.h"
#include "plugin/printers.h"
#include "plugin/render.h"
#include "plugin/deployment_status.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

namespace {

// The objects deploy would apply and the planned nodes, as they are now.
kube::Result<Existing> GatherExisting(kube::Client& client, const DeploySpec& spec,
                                      const std::vector<json::object>& objects) {
  Existing e;
  for (const auto& obj : objects) {
    std::string path = ObjectPath(obj);
    auto current = client.Get(path);
    if (current.ok() && current->is_object()) {
      e.objects.emplace(path, current->as_object());
    } else if (!current.ok() && current.status().kind() != Kind::kNotFound) {
      return current.status().WithContext("get " + KindForOutput(obj) + "/" + spec.name);
    }
  }
  // Each planned node once more: the inventory does not keep labels.
  const std::string key = own::NodeLabelKey(spec.name, spec.namespace_);
  for (const auto& n : spec.plan.nodes) {
    auto node = client.Get("/api/v1/nodes/" + n);
    if (!node.ok()) return node.status().WithContext("get node " + n);
    if (node->is_object() && own::HasNodeLabel(node->as_object(), key)) e.labelled.insert(n);
  }
  return e;
}

// Refuses up front what RBAC would refuse half-way, and a missing Secret.
Status CheckPreconditions(kube::Client& client, const DeployRequest& r, const DeploySpec& spec) {
  if (Status secret = CheckTokenSecret(client, spec.namespace_, r.options.hf_token_secret); !secret.ok()) return secret;
  if (Status secret = CheckApiKeySecret(client, spec.namespace_, r.options.api_key_secret, r.options.api_key_key);
      !secret.ok()) {
    return secret;
  }
  for (const auto& [a, why] : DeployNeeds(spec)) {
    auto allowed = kube::CanI(client, a);
    if (!allowed.ok()) return allowed.status();
    if (*allowed) continue;
    std::string scope = a.namespace_.empty() ? "at the cluster scope" : "in namespace " + a.namespace_;
    return Status(Kind::kForbidden, "you may not " + a.verb + " " + (a.group.empty() ? "" : a.group + "/") +
                                        a.resource + " " + scope + ", which deploy needs " + why +
                                        "; nothing was changed (ask a cluster admin for that permission)");
  }
  return Status::Ok();
}

// Before anything changes: the repo exists and the token may read it
// (plugin/hub.h). A custom model's size comes from the Hub; a catalog entry
// that disagrees with it by more than 5% is reported.
Status CheckHub(App& app, kube::Client& client, const std::string& ns, DeployRequest& r) {
  gpu::Model& m = r.model;
  auto hub = CheckRepo(app, client, ns, m.repo,
                       HubToken{r.hf_token, r.options.hf_token_secret, r.options.hf_token_key},
                       r.options.skip_hub_check);
  if (!hub.ok()) return hub.status();
  if (!*hub || !(*hub)->weights_gib || !r.options.plan.quantization.empty()) return Status::Ok();
  const double hub_gib = *(*hub)->weights_gib;
  if (!gpu::FindModel(r.options.model)) {
    m.weights_gib = hub_gib;
    if ((*hub)->params_b) m.params_b = *(*hub)->params_b;
  } else if (std::abs(hub_gib - m.weights_gib) > 0.05 * m.weights_gib) {
    app.log.Warning("the catalog sizes " + m.name + " at " + gpu::OneDecimal(m.weights_gib, " GiB") + ", the Hub's " +
                    m.repo + " at " + gpu::OneDecimal(hub_gib, " GiB") + "; the plan uses the catalog's");
  }
  return Status::Ok();
}

// The weights kubectl lm pull staged for the model, when there are any and
// --no-cache does not refuse them: the claim's name, or "". --cache wants them.
kube::Result<std::string> FindModelCache(App& app, kube::Client& client, const std::string& ns, const DeployRequest& r) {
  const DeployOptions& o = r.options;
  if (o.cache == false) return std::string();
  const std::string name = own::CacheName(r.model.name);
  auto claim = client.Get("/api/v1/namespaces/" + ns + "/persistentvolumeclaims/" + name);
  const bool ours = claim.ok() && claim->is_object() && own::BelongsToCache(claim->as_object(), name);
  if (!ours) {
    if (o.cache == true) {
      return Status(Kind::kNotFound, claim.ok() ? "persistentvolumeclaim \"" + name + "\" in namespace " + ns +
                                                      " was not made by kubectl lm pull: --cache will not mount it"
                                                : "no model cache for " + r.model.name + " in namespace " + ns +
                                                      " (kubectl lm pull " + o.model + " makes one)");
    }
    return std::string();  // none (or not ours, or not readable here): the server downloads
  }
  const json::value* modes = kube::ObjField(&claim->as_object(), "spec")
                                 ? kube::ObjField(&claim->as_object(), "spec")->if_contains("accessModes")
                                 : nullptr;
  bool shared = false;
  if (modes && modes->is_array()) {
    for (const auto& m : modes->as_array()) shared |= m.is_string() && m.as_string() != "ReadWriteOnce";
  }
  if (!shared && o.plan.replicas > 1) {
    app.log.Warning("model cache " + name + " is ReadWriteOnce: the " + std::to_string(o.plan.replicas) +
                    " replicas that mount it must share a node (pull with --access-mode ReadWriteMany for any node)");
  }
  return name;
}

// The rank every --lora adapter fits: each adapter's own (its PEFT
// adapter_config.json on the Hub), or --max-lora-rank, rounded up to one vLLM
// accepts. 0 without adapters.
kube::Result<int> ResolveLoraRank(App& app, const DeployRequest& r) {
  const DeployOptions& o = r.options;
  if (o.loras.empty()) {
    if (o.max_lora_rank) return Status(Kind::kInvalidArgument, "--max-lora-rank needs --lora");
    return 0;
  }
  int known = 0;
  std::string unknown;  // an adapter whose rank is not known, and why
  for (const auto& [name, source] : o.loras) {
    const bool repo = source.find('/') != std::string::npos && source[0] != '/' && source[0] != '.';
    std::string why = repo ? "--skip-hub-check" : "a path in the pod";
    if (repo && !o.skip_hub_check) {
      auto config = AskHubFile(app.deps, app.log, source, "adapter_config.json", r.hf_token);
      std::optional<int> rank = config.ok() ? LoraRankOf(*config) : std::nullopt;
      if (rank) {
        known = std::max(known, *rank);
        continue;
      }
      why = config.ok() ? "its adapter_config.json has no rank \"r\"" : config.status().message();
    }
    if (unknown.empty()) unknown = name + " (" + source + "): " + why;
  }
  if (o.max_lora_rank && *o.max_lora_rank < known) {
    return Status(Kind::kInvalidArgument, "--max-lora-rank " + std::to_string(*o.max_lora_rank) +
                                              " is below an adapter's rank " + std::to_string(known));
  }
  if (!o.max_lora_rank && !unknown.empty()) {
    return Status(Kind::kInvalidArgument, "the rank of LoRA adapter " + unknown + "; give --max-lora-rank");
  }
  const int rank = gpu::LoraRankFor(o.max_lora_rank.value_or(known));
  if (rank == 0) return Status(Kind::kInvalidArgument, "LoRA rank " + std::to_string(known) + " is above vLLM's 512");
  return rank;
}

Status RefusePlan(App& app, const gpu::Model& model, const gpu::Plan& plan, const std::string& suggestion) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : plan.verdicts) rows.push_back({v.node, v.fits ? "yes" : "no", v.reason});
  PrintTable(app.err, {"NODE", "FITS", "WHY"}, rows);
  return Status(Kind::kInvalidArgument, "cannot deploy " + model.name + ": it " + plan.summary + suggestion +
                                            " (the reasons per node are above; nothing was changed)");
}

// The deploy flags besides the plan's that a suggested command repeats.
std::string DeployArgs(const DeployOptions& o, bool named) {
  std::vector<std::string> a;
  if (named) a.push_back("--name " + o.name);
  if (o.hf_token_from_env) a.push_back("--hf-token-from-env");
  if (!o.hf_token_secret.empty()) {
    a.push_back("--hf-token-secret " + o.hf_token_secret + (o.hf_token_key == "token" ? "" : ":" + o.hf_token_key));
  }
  if (!o.api_key_from_env.empty()) a.push_back("--api-key-from-env " + o.api_key_from_env);
  if (!o.api_key_secret.empty()) {
    a.push_back("--api-key-secret " + o.api_key_secret + (o.api_key_key == "api-key" ? "" : ":" + o.api_key_key));
  }
  return boost::algorithm::join(a, " ");
}

Status PrintClientDryRun(App& app, const DeployRequest& r, const DeploySpec& spec,
                         const std::vector<json::object>& objects) {
  std::vector<json::value> docs(objects.begin(), objects.end());
  PrintObjects(app.out, docs, r.options.output.empty() ? "yaml" : r.options.output);
  app.err << "would label node(s) " << boost::algorithm::join(spec.plan.nodes, ",") << " with "
          << own::NodeLabelKey(spec.name, spec.namespace_) << "; " << spec.plan.summary << "\n";
  return Status::Ok();
}

// Prints each change as kubectl does ("node/x labeled", "service/x
// serverside-applied"), or collects the applied objects for -o.
Status Act(App& app, kube::Client& client, const DeployOptions& o, const std::vector<Change>& changes) {
  ExecuteOptions eo;
  eo.dry_run = o.dry_run;
  eo.field_manager = o.field_manager;
  eo.force_conflicts = o.force_conflicts;
  auto interrupts = app.deps.catch_interrupts ? app.deps.catch_interrupts() : nullptr;
  eo.interrupts = interrupts.get();
  std::vector<json::value> applied;
  const std::string suffix = DryRunSuffix(o.dry_run);
  Status s = Execute(client, changes, eo, [&](const Change& c, const json::value& answer) {
    if (c.op == Change::Op::kApply && !o.output.empty()) {
      applied.push_back(answer);
      return;
    }
    // As kubectl words them; a dry run creates nothing, so it applied.
    bool created = c.creates && o.dry_run == kube::DryRun::kNone;
    const char* verb = c.op == Change::Op::kLabelNode     ? " labeled"
                       : c.op == Change::Op::kUnlabelNode ? " unlabeled"
                       : created                          ? " created"
                                                          : " serverside-applied";
    app.out << c.what << verb << suffix << "\n";
  });
  if (!s.ok()) return s;
  if (!o.output.empty()) PrintObjects(app.out, applied, o.output);
  return Status::Ok();
}

}  // namespace

// Gather -> plan -> act -> print.
kube::Status RunDeploy(App& app, DeployOptions& options, const std::vector<std::string>& positionals) {
  Status finished = FinishDeployOptions(options, positionals);
  if (!finished.ok()) return finished;
  const bool named = !options.name.empty();
  auto request = ResolveDeploy(std::move(options), app.deps.env);
  if (!request.ok()) return request.status();
  DeployRequest& r = *request;
  const DeployOptions& o = r.options;

  auto connected = app.Connect();
  if (!connected.ok()) return connected.status();
  kube::Client& client = **connected;
  const std::string ns = client.config().namespace_;
  Status hub = CheckHub(app, client, ns, r);
  if (!hub.ok()) return hub;

  auto lora_rank = ResolveLoraRank(app, r);
  if (!lora_rank.ok()) return lora_rank.status();

  // This deployment's own pods are not counted: a re-run plans what the first run planned.
  auto inventory = GatherInventory(client, [&](const json::object& pod) { return own::IsPodOf(pod, o.name, ns); });
  if (!inventory.ok()) return inventory.status();
  gpu::PlanRequest plan_request = MakePlanRequest(r.model, o.plan, r.dtype_bytes);
  plan_request.lora = {static_cast<int>(o.loras.size()), *lora_rank};
  gpu::Plan plan = gpu::PlanPlacement(plan_request, *inventory);
  if (!plan.ok) {
    return RefusePlan(app, r.model, plan,
                      QuantizedSuggestion(o.model, o.plan, DeployArgs(o, named),
                                          gpu::QuantizedAlternative(plan_request, *inventory)));
  }
  DeploySpec spec = MakeSpec(r, plan, ns);
  spec.loras = o.loras;
  spec.max_lora_rank = *lora_rank;
  auto cache = FindModelCache(app, client, ns, r);
  if (!cache.ok()) return cache.status();
  spec.model_cache = *cache;
  auto objects = Render(spec);
  if (!objects.ok()) return objects.status();
  if (o.dry_run == kube::DryRun::kClient) return PrintClientDryRun(app, r, spec, *objects);

  auto existing = GatherExisting(client, spec, *objects);
  if (!existing.ok()) return existing.status();
  auto changes = PlanDeployChanges(spec, *objects, *existing);
  if (!changes.ok()) return changes.status();
  Status ready = CheckPreconditions(client, r, spec);
  if (!ready.ok()) return ready;

  Status acted = Act(app, client, o, *changes);
  if (!acted.ok()) return acted;
  app.err << o.name << ": " << r.model.name << ", " << plan.summary << ", on "
          << boost::algorithm::join(plan.nodes, ",") << "\n";
  if (o.dry_run != kube::DryRun::kNone || !o.wait) return Status::Ok();
  return WaitForReady(app, client, ns, o.name, o.timeout);
}

Command DeployCommand() {
  // Its own checks count the MODEL, to say which one was meant.
  return MakeCommand<DeployOptions>({"deploy", "MODEL", "Deploy a model onto the GPU nodes that can hold it"},
                                    DeployFlagTable(), {0, 2, kDeployNeedsModel}, RunDeploy);
}

}  // namespace lm
