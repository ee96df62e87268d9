// kubectl lm deploy MODEL [flags]: preflight -> label nodes -> apply -> (wait).
#include <chrono>
#include <set>
#include <thread>

#include <boost/json.hpp>

#include "kube/access_review.h"
#include "kube/json_fields.h"
#include "kube/quantity.h"
#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/deploy.h"
#include "plugin/gather.h"
#include "plugin/printers.h"
#include "plugin/render.h"
#include "plugin/status.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

std::string DefaultImage() { return KUBECTL_LM_IMAGE; }

bool ValidDeploymentName(const std::string& s) {
  if (s.empty() || s.size() > 40 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return kube::IsDnsLabel(s);
}

kube::Result<DeployOptions> ParseDeployArgs(const std::vector<std::string>& args) {
  DeployOptions o;
  auto bad = [](const std::string& m) { return Status(Kind::kInvalidArgument, m + " (see kubectl lm help deploy)"); };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string v, error;
    if (TakePlanFlag(args, &i, &o.plan, &error)) {
    } else if (TakeFlag(args, &i, "name", 0, &o.name, &error)) {
    } else if (TakeFlag(args, &i, "image", 0, &o.image, &error)) {
    } else if (TakeFlag(args, &i, "hf-token-secret", 0, &v, &error)) {
      auto colon = v.find(':');
      o.hf_token_secret = v.substr(0, colon);
      if (colon != std::string::npos) o.hf_token_key = v.substr(colon + 1);
    } else if (a == "--hf-token-from-env") {
      o.hf_token_from_env = true;
    } else if (TakeFlag(args, &i, "cache-size", 0, &o.cache_size, &error)) {
      if (error.empty() && !kube::Quantity::Parse(o.cache_size).ok()) {
        error = "invalid --cache-size \"" + o.cache_size + "\": use a quantity such as 100Gi";
      }
    } else if (TakeFlag(args, &i, "storage-class", 0, &o.storage_class, &error)) {
    } else if (TakeFlag(args, &i, "expose", 0, &o.expose, &error)) {
      if (error.empty() && o.expose != "ClusterIP" && o.expose != "NodePort" && o.expose != "LoadBalancer") {
        error = "invalid --expose \"" + o.expose + "\": use ClusterIP, NodePort or LoadBalancer";
      }
    } else if (a == "--dry-run" || a.rfind("--dry-run=", 0) == 0) {
      std::string mode = a == "--dry-run" ? "client" : a.substr(10);
      if (mode == "client") o.dry_run = kube::DryRun::kClient;
      else if (mode == "server") o.dry_run = kube::DryRun::kServer;
      else if (mode == "none") o.dry_run = kube::DryRun::kNone;
      else error = "invalid --dry-run \"" + mode + "\": use none, client or server";
    } else if (TakeFlag(args, &i, "output", 'o', &o.output, &error)) {
      if (error.empty() && o.output != "yaml" && o.output != "json") {
        error = "unable to match a printer suitable for the output format \"" + o.output +
                "\", allowed formats are: json, yaml";
      }
    } else if (a == "--wait" || a == "--wait=true") {
      o.wait = true;
    } else if (a == "--wait=false") {
      o.wait = false;
    } else if (TakeFlag(args, &i, "timeout", 0, &v, &error)) {
      auto t = ParseTimeout(v);
      if (!t.ok()) error = "invalid --timeout \"" + v + "\": use a duration such as 10m";
      else o.timeout = std::chrono::duration_cast<std::chrono::seconds>(*t);
    } else if (TakeFlag(args, &i, "field-manager", 0, &o.field_manager, &error)) {
      if (error.empty() && (o.field_manager.empty() || o.field_manager.size() > 128)) {
        error = "invalid --field-manager: use 1 to 128 printable characters";
      }
    } else if (a == "--force-conflicts" || a == "--force-conflicts=true") {
      o.force_conflicts = true;
    } else if (!a.empty() && a[0] != '-' && o.model.empty()) {
      o.model = a;
    } else if (!a.empty() && a[0] != '-') {
      return bad("deploy takes one MODEL, got \"" + o.model + "\" and \"" + a + "\"");
    } else {
      return bad("unknown flag \"" + a + "\" for \"kubectl lm deploy\"");
    }
    if (!error.empty()) return bad(error);
  }
  if (o.model.empty()) return bad("deploy needs a MODEL, e.g. kubectl lm deploy phi-3-mini-4k (kubectl lm models lists them)");
  if (!o.hf_token_secret.empty() && o.hf_token_from_env) {
    return bad("--hf-token-secret and --hf-token-from-env cannot be used together");
  }
  if (o.image.empty()) o.image = DefaultImage();
  return o;
}

namespace {

std::string DryRunSuffix(kube::DryRun d) {
  return d == kube::DryRun::kServer ? " (server dry run)" : d == kube::DryRun::kClient ? " (dry run)" : "";
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

using kube::LabelOf;

// What each verb deploy uses is for, to say why a refusal matters.
struct Need {
  kube::Access access;
  const char* why;
};

}  // namespace

kube::Status RunDeploy(App& app, const std::vector<std::string>& args) {
  auto parsed = ParseDeployArgs(args);
  if (!parsed.ok()) return parsed.status();
  DeployOptions& o = *parsed;
  auto dtype_bytes = DtypeBytes(o.plan.dtype);
  if (!dtype_bytes.ok()) return dtype_bytes.status();
  auto model = ResolveModel(o.model, o.plan);
  if (!model.ok()) return model.status();
  // The name defaults to what the user typed ("phi-3-mini"), or the
  // model's own for a repo id.
  // Dots, which model names have ("qwen2.5-7b"), become dashes.
  if (o.name.empty()) {
    o.name = o.model.find('/') == std::string::npos ? o.model : model->name;
    for (auto& c : o.name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = '-';
    }
  }
  if (!ValidDeploymentName(o.name)) {
    return Status(Kind::kInvalidArgument, "invalid name \"" + o.name + "\": use at most 40 lowercase letters, "
                                          "digits and '-', starting with a letter (set it with --name)");
  }
  std::string hf_token;
  if (o.hf_token_from_env) {
    auto t = app.env("HF_TOKEN");
    if (!t || t->empty()) return Status(Kind::kInvalidArgument, "--hf-token-from-env: HF_TOKEN is not set");
    hf_token = *t;
  }
  // Refused before anything is asked of the cluster.
  if (model->gated && o.hf_token_secret.empty() && hf_token.empty()) {
    return Status(Kind::kInvalidArgument, model->name + " (" + model->repo + ") is gated: accept its licence on "
                  "huggingface.co, then pass --hf-token-from-env with HF_TOKEN set, or --hf-token-secret NAME[:KEY]");
  }

  auto connected = app.Connect();
  if (!connected.ok()) return connected.status();
  kube::Client& client = **connected;
  const std::string ns = client.config().namespace_;
  const std::string label_key = NodeLabelKey(o.name, ns);

  // Gather: the inventory, less this deployment's own pods (a re-run must
  // plan what the first run planned), and the objects that may exist.
  auto inventory = GatherInventory(client, [&](const json::object& pod) {
    auto* md = pod.at("metadata").if_object();
    return md && md->contains("namespace") && md->at("namespace").as_string() == ns &&
           LabelOf(pod, "kubectl-lm.io/deployment") == o.name &&
           LabelOf(pod, "app.kubernetes.io/managed-by") == "kubectl-lm";
  });
  if (!inventory.ok()) return inventory.status();

  // Decide.
  gpu::Plan plan = gpu::PlanPlacement(MakePlanRequest(*model, o.plan, *dtype_bytes), *inventory);
  if (!plan.ok) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& v : plan.verdicts) rows.push_back({v.node, v.fits ? "yes" : "no", v.reason});
    PrintTable(app.err, {"NODE", "FITS", "WHY"}, rows);
    return Status(Kind::kInvalidArgument, "cannot deploy " + model->name + ": it " + plan.summary +
                                              " (the reasons per node are above; nothing was changed)");
  }
  DeploySpec spec;
  spec.name = o.name;
  spec.namespace_ = ns;
  spec.model = *model;
  spec.plan = plan;
  spec.replicas = o.plan.replicas;
  spec.image = o.image;
  spec.dtype = o.plan.dtype;
  spec.utilization = o.plan.utilization;
  spec.cache_size = o.cache_size;
  spec.storage_class = o.storage_class;
  spec.expose = o.expose;
  if (!hf_token.empty()) {
    spec.hf_secret = o.name + "-hf-token";
    spec.hf_token = hf_token;
  } else if (!o.hf_token_secret.empty()) {
    spec.hf_secret = o.hf_token_secret;
    spec.hf_key = o.hf_token_key;
  }
  auto objects = Render(spec);
  if (!objects.ok()) return objects.status();

  if (o.dry_run == kube::DryRun::kClient) {
    std::vector<json::value> docs(objects->begin(), objects->end());
    PrintObjects(app.out, docs, o.output.empty() ? "yaml" : o.output);
    app.err << "would label node(s) " << Join(plan.nodes) << " with " << label_key << "; " << plan.summary << "\n";
    return Status::Ok();
  }

  // Never overwrite what someone else made: every object that exists must
  // be ours, for this very deployment.
  std::set<std::string> existed;
  std::vector<std::string> previously_labelled;
  for (const auto& obj : *objects) {
    std::string path = ObjectPath(obj);
    auto current = client.Get(path);
    std::string what = KindForOutput(obj) + "/" + o.name;
    if (!current.ok()) {
      if (current.status().kind() == Kind::kNotFound) continue;
      return current.status().WithContext("get " + what);
    }
    const json::object& cur = current->as_object();
    std::string cur_name(cur.at("metadata").at("name").as_string());
    if (LabelOf(cur, "app.kubernetes.io/managed-by") != "kubectl-lm" ||
        LabelOf(cur, "kubectl-lm.io/deployment") != o.name) {
      return Status(Kind::kAlreadyExists, KindForOutput(obj) + " \"" + cur_name + "\" already exists in namespace " +
                                              ns + " and was not created by kubectl lm deploy " + o.name +
                                              "; choose another --name or namespace");
    }
    existed.insert(path);
    if (std::string(obj.at("kind").as_string()) == "Deployment") {
      auto* ann = cur.at("metadata").as_object().if_contains("annotations");
      if (ann && ann->is_object()) {
        if (auto* l = ann->as_object().if_contains("kubectl-lm.io/labelled-nodes"); l && l->is_string()) {
          std::string s(l->as_string());
          for (size_t p = 0; p < s.size();) {
            size_t c = s.find(',', p);
            if (c == std::string::npos) c = s.size();
            if (c > p) previously_labelled.push_back(s.substr(p, c - p));
            p = c + 1;
          }
        }
      }
    }
  }
  if (!o.hf_token_secret.empty()) {
    auto secret = client.Get("/api/v1/namespaces/" + ns + "/secrets/" + o.hf_token_secret);
    if (!secret.ok() && secret.status().kind() == Kind::kNotFound) {
      return Status(Kind::kNotFound, "secret \"" + o.hf_token_secret + "\" not found in namespace " + ns +
                                         " (create it, or pass --hf-token-from-env)");
    }
  }

  // Refuse up front what RBAC would refuse half-way.
  std::vector<Need> needs = {
      {{"patch", "", "nodes", ""}, "to label the GPU nodes that fit"},
      {{"patch", "apps", "deployments", ns}, "to apply the Deployment"},
      {{"patch", "", "services", ns}, "to apply the Service"},
  };
  if (!hf_token.empty()) needs.push_back({{"patch", "", "secrets", ns}, "to store the HF token"});
  if (!o.storage_class.empty()) needs.push_back({{"patch", "", "persistentvolumeclaims", ns}, "to create the model cache"});
  for (const auto& [access, why] : needs) {
    for (const char* verb : {access.verb.c_str(), "create"}) {
      if (std::string(verb) == "create" && access.resource == "nodes") continue;
      kube::Access a = access;
      a.verb = verb;
      auto allowed = kube::CanI(client, a);
      if (!allowed.ok()) return allowed.status();
      if (!*allowed) {
        std::string scope = a.namespace_.empty() ? "at the cluster scope" : "in namespace " + a.namespace_;
        return Status(Kind::kForbidden, "you may not " + a.verb + " " + (a.group.empty() ? "" : a.group + "/") +
                                            a.resource + " " + scope + ", which deploy needs " + why +
                                            "; nothing was changed (ask a cluster admin for that permission)");
      }
    }
  }

  // Act: label, then apply; undo this run's changes if a step fails.
  std::vector<std::string> labelled_now;
  std::vector<std::string> created_now;
  std::vector<json::value> applied;
  auto undo = [&]() {
    if (o.dry_run != kube::DryRun::kNone) return;
    for (const auto& n : labelled_now) {
      client.MergePatch("/api/v1/nodes/" + n, json::object{{"metadata", {{"labels", {{label_key, nullptr}}}}}},
                        o.field_manager, kube::DryRun::kNone);
    }
    for (auto it = created_now.rbegin(); it != created_now.rend(); ++it) client.Delete(*it, kube::DryRun::kNone);
  };
  std::set<std::string> want(plan.nodes.begin(), plan.nodes.end());
  for (const auto& n : *inventory) {
    if (!want.count(n.name)) continue;
    auto node = client.Get("/api/v1/nodes/" + n.name);
    if (!node.ok()) { undo(); return node.status().WithContext("get node " + n.name); }
    if (LabelOf(node->as_object(), label_key.c_str()) == "true") continue;  // already ours
    auto r = client.MergePatch("/api/v1/nodes/" + n.name,
                               json::object{{"metadata", {{"labels", {{label_key, "true"}}}}}}, o.field_manager,
                               o.dry_run);
    if (!r.ok()) { undo(); return r.status().WithContext("label node " + n.name); }
    labelled_now.push_back(n.name);
    app.out << "node/" << n.name << " labeled" << DryRunSuffix(o.dry_run) << "\n";
  }
  for (const auto& obj : *objects) {
    std::string path = ObjectPath(obj);
    auto r = client.Apply(path, obj, o.field_manager, o.force_conflicts, o.dry_run);
    if (!r.ok()) {
      undo();
      return r.status().WithContext("apply " + KindForOutput(obj) + "/" + std::string(obj.at("metadata").at("name").as_string()));
    }
    if (!existed.count(path)) created_now.push_back(path);
    if (!o.output.empty()) {
      applied.push_back(std::move(*r));
      continue;
    }
    app.out << KindForOutput(obj) << "/" << std::string(obj.at("metadata").at("name").as_string())
            << " serverside-applied" << DryRunSuffix(o.dry_run) << "\n";
  }
  if (!o.output.empty()) PrintObjects(app.out, applied, o.output);
  // Nodes labelled by an earlier run that no longer pass lose the label.
  for (const auto& n : previously_labelled) {
    if (want.count(n)) continue;
    auto r = client.MergePatch("/api/v1/nodes/" + n, json::object{{"metadata", {{"labels", {{label_key, nullptr}}}}}},
                               o.field_manager, o.dry_run);
    if (!r.ok() && r.status().kind() != Kind::kNotFound) return r.status().WithContext("unlabel node " + n);
    if (r.ok()) app.out << "node/" << n << " unlabeled" << DryRunSuffix(o.dry_run) << "\n";
  }
  app.err << o.name << ": " << model->name << ", " << plan.summary << ", on " << Join(plan.nodes) << "\n";
  if (o.dry_run != kube::DryRun::kNone || !o.wait) return Status::Ok();
  return WaitForReady(app, client, ns, o.name, o.timeout);
}

}  // namespace lm
