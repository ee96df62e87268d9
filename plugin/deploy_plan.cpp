#include "plugin/deploy_plan.h"

#include <boost/json.hpp>

#include "plugin/hub.h"
#include "plugin/model_flags.h"
#include "kube/json_fields.h"
#include "plugin/ownership.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

namespace {

std::string DefaultName(const DeployOptions& o, const gpu::Model& model) {
  // What the user typed ("phi-3-mini"), or the model's own name for a repo
  // id; dots, which model names have ("qwen2.5-7b"), become dashes.
  std::string name = o.model.find('/') == std::string::npos ? o.model : model.name;
  for (auto& c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = '-';
  }
  return name;
}

Change LabelChange(const std::string& node, const std::string& key, bool set) {
  Change c;
  c.op = set ? Change::Op::kLabelNode : Change::Op::kUnlabelNode;
  c.path = "/api/v1/nodes/" + node;
  c.what = "node/" + node;
  c.label_key = key;
  c.undo_hint = "kubectl label node " + node + " " + key + (set ? "-" : "=true");
  return c;
}

}  // namespace

kube::Result<DeployRequest> ResolveDeploy(DeployOptions o,
                                          const kube::Getenv& env) {
  DeployRequest r;
  auto dtype_bytes = DtypeBytes(o.plan.dtype);
  if (!dtype_bytes.ok()) return dtype_bytes.status();
  r.dtype_bytes = *dtype_bytes;
  auto model = ResolveModel(o.model, o.plan);
  if (!model.ok()) return model.status();
  r.model = *model;
  if (o.name.empty()) o.name = DefaultName(o, r.model);
  if (!ValidDeploymentName(o.name)) {
    return Status(Kind::kInvalidArgument, "invalid name \"" + o.name + "\": use at most 40 lowercase letters, "
                                          "digits and '-', starting with a letter (set it with --name)");
  }
  if (!o.api_key_from_env.empty()) {
    const auto key = env(o.api_key_from_env);
    if (!key || key->empty()) {
      return Status(Kind::kInvalidArgument, "--api-key-from-env: " + o.api_key_from_env +
                                                " is not set (export the key in it, or pass --api-key-secret NAME[:KEY])");
    }
    r.api_key = *key;
  }
  if (o.hf_token_from_env) {
    const auto hf_token_env = env("HF_TOKEN");
    if (!hf_token_env || hf_token_env->empty()) {
      return Status(Kind::kInvalidArgument, "--hf-token-from-env: HF_TOKEN is not set");
    }
    r.hf_token = *hf_token_env;
  }
  // Refused before anything is asked of the cluster.
  if (r.model.gated && o.hf_token_secret.empty() && r.hf_token.empty()) return GatedNeedsToken(r.model.name, r.model.repo);
  r.options = std::move(o);
  return r;
}

DeploySpec MakeSpec(const DeployRequest& r, const gpu::Plan& plan, const std::string& ns) {
  const DeployOptions& o = r.options;
  DeploySpec spec;
  spec.name = o.name;
  spec.namespace_ = ns;
  spec.model = r.model;
  spec.plan = plan;
  spec.replicas = o.plan.replicas;
  spec.image = o.image;
  spec.dtype = plan.dtype;
  spec.quantization = plan.quantization;
  spec.server_args = o.server_args;
  spec.utilization = o.plan.utilization;
  spec.cache_size = o.cache_size;
  spec.storage_class = o.storage_class;
  spec.expose = o.expose;
  if (!r.hf_token.empty()) {
    spec.hf_secret = o.name + "-hf-token";
    spec.hf_token = r.hf_token;
  } else if (!o.hf_token_secret.empty()) {
    spec.hf_secret = o.hf_token_secret;
    spec.hf_key = o.hf_token_key;
  }
  if (!r.api_key.empty()) {
    spec.api_secret = o.name + "-api-key";
    spec.api_key_value = r.api_key;
  } else if (!o.api_key_secret.empty()) {
    spec.api_secret = o.api_key_secret;
    spec.api_key = o.api_key_key;
  }
  return spec;
}

std::vector<Need> DeployNeeds(const DeploySpec& spec) {
  const std::string& ns = spec.namespace_;
  // Server-side apply is a PATCH that may create: both verbs are needed.
  std::vector<Need> applies = {{{"patch", "apps", "deployments", ns}, "to apply the Deployment"},
                               {{"patch", "", "services", ns}, "to apply the Service"}};
  if (!spec.hf_token.empty()) applies.push_back({{"patch", "", "secrets", ns}, "to store the HF token"});
  if (!spec.api_key_value.empty()) applies.push_back({{"patch", "", "secrets", ns}, "to store the API key"});
  if (!spec.storage_class.empty()) {
    applies.push_back({{"patch", "", "persistentvolumeclaims", ns}, "to create the model cache"});
  }
  std::vector<Need> needs = {{{"patch", "", "nodes", ""}, "to label the GPU nodes that fit"}};
  for (const Need& n : applies) {
    needs.push_back(n);
    Need create = n;
    create.access.verb = "create";
    needs.push_back(create);
  }
  return needs;
}

Change ApplyChange(const json::object& obj, const json::object* existing, const std::string& ns) {
  Change c;
  c.op = Change::Op::kApply;
  c.path = ObjectPath(obj);
  const std::string name(obj.at("metadata").at("name").as_string());
  c.what = KindForOutput(obj) + "/" + name;
  c.object = obj;
  c.creates = existing == nullptr;
  if (existing) {
    const std::string uid = kube::StrField(kube::ObjField(existing, "metadata"), "uid");
    if (!uid.empty()) c.object["metadata"].as_object()["uid"] = uid;
  }
  c.undo_hint = "kubectl delete " + KindForOutput(obj) + " " + name + " -n " + ns;
  return c;
}

kube::Result<std::vector<Change>> PlanDeployChanges(const DeploySpec& spec, const std::vector<json::object>& objects,
                                                    const Existing& existing) {
  const std::string key = own::NodeLabelKey(spec.name, spec.namespace_);
  std::vector<Change> changes;
  std::vector<std::string> previously;
  for (const auto& obj : objects) {
    std::string path = ObjectPath(obj);
    auto found = existing.objects.find(path);
    if (found == existing.objects.end()) continue;
    if (!own::BelongsTo(found->second, spec.name)) {
      std::string name(obj.at("metadata").at("name").as_string());
      return Status(Kind::kAlreadyExists, KindForOutput(obj) + " \"" + name + "\" already exists in namespace " +
                                              spec.namespace_ + " and was not created by kubectl lm deploy " +
                                              spec.name + "; choose another --name or namespace");
    }
    if (obj.at("kind").as_string() == "Deployment") previously = own::LabelledNodes(found->second);
  }
  for (const auto& n : spec.plan.nodes) {
    if (!existing.labelled.count(n)) changes.push_back(LabelChange(n, key, true));
  }
  for (const auto& obj : objects) {
    auto found = existing.objects.find(ObjectPath(obj));
    changes.push_back(ApplyChange(obj, found == existing.objects.end() ? nullptr : &found->second, spec.namespace_));
  }
  std::set<std::string> wanted(spec.plan.nodes.begin(), spec.plan.nodes.end());
  for (const auto& n : previously) {
    if (!wanted.count(n)) changes.push_back(LabelChange(n, key, false));
  }
  return changes;
}

}  // namespace lm
