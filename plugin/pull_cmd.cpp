// kubectl lm pull MODEL: stages a model's weights into a cache that
// outlives every deployment of it — a PersistentVolumeClaim named for the
// model (own::CacheName) and a Job that downloads into it with the server
// image's own downloader. deploy mounts it read-only when it exists; delete
// --cache MODEL removes it; nothing else does.
#include <cmath>

#include <boost/algorithm/string/join.hpp>
#include <boost/json.hpp>

#include "gpu/catalog.h"
#include "gpu/units.h"
#include "kube/json_fields.h"
#include "kube/quantity.h"
#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/deploy.h"
#include "plugin/deploy_plan.h"
#include "plugin/executor.h"
#include "plugin/hub.h"
#include "plugin/options.h"
#include "plugin/ownership.h"
#include "plugin/printers.h"
#include "plugin/render.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

namespace {

struct PullOptions {
  std::string size, storage_class, access_mode = "ReadWriteOnce", image;
  std::string hf_token_secret, hf_token_key = "token";
  bool hf_token_from_env = false, skip_hub_check = false;
  kube::DryRun dry_run = kube::DryRun::kNone;
  std::string output;
};

constexpr double kGiB = 1024.0 * 1024 * 1024;

// The claim's size: the weights, a tenth more and a GiB for the tokenizer,
// configs and the Hub cache's own files, in whole GiB.
std::string CacheSize(double weights_gib) {
  return std::to_string(static_cast<long>(std::ceil(weights_gib * 1.1 + 1))) + "Gi";
}

// The model: a catalog entry, or any repo id (its size from the Hub).
kube::Result<gpu::Model> PullModel(const std::string& name) {
  if (const gpu::Model* m = gpu::FindModel(name)) return *m;
  auto slash = name.find('/');
  if (slash == std::string::npos) {
    return Status(Kind::kInvalidArgument, "unknown model \"" + name + "\": name a catalog model (kubectl lm models) "
                                          "or a Hugging Face repo id ORG/NAME");
  }
  gpu::Model m;
  m.repo = name;
  m.name = name.substr(slash + 1);
  for (auto& c : m.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  m.license = "unknown";
  return m;
}

// Refuses, with nothing changed, an object of a cache's name that is not
// that cache's; plans the rest as deploy does its objects.
kube::Result<std::vector<Change>> PlanCacheChanges(kube::Client& client, const CacheSpec& spec,
                                                   const std::vector<json::object>& objects) {
  std::vector<Change> changes;
  for (const auto& obj : objects) {
    const std::string path = ObjectPath(obj);
    const std::string name(obj.at("metadata").at("name").as_string());
    auto current = client.Get(path);
    if (!current.ok() && current.status().kind() != Kind::kNotFound) {
      return current.status().WithContext("get " + KindForOutput(obj) + "/" + name);
    }
    const json::object* existing = current.ok() && current->is_object() ? &current->as_object() : nullptr;
    if (current.ok() && (!existing || !own::BelongsToCache(*existing, spec.cache))) {
      return Status(Kind::kAlreadyExists, KindForOutput(obj) + " \"" + name + "\" already exists in namespace " +
                                              spec.namespace_ + " and was not created by kubectl lm pull; nothing "
                                              "was changed (pull into another namespace, or remove it yourself)");
    }
    // A Job's template cannot change: one that exists is left as it is.
    if (existing && obj.at("kind").as_string() == "Job") continue;
    changes.push_back(ApplyChange(obj, existing, spec.namespace_));
  }
  return changes;
}

kube::Status RunPull(App& app, PullOptions& o, const std::vector<std::string>& positionals) {
  auto model = PullModel(positionals.front());
  if (!model.ok()) return model.status();
  std::string token;
  if (o.hf_token_from_env) {
    auto env = app.deps.env("HF_TOKEN");
    if (!env || env->empty()) return Status(Kind::kInvalidArgument, "--hf-token-from-env: HF_TOKEN is not set");
    token = *env;
  }
  if (model->gated && token.empty() && o.hf_token_secret.empty()) return GatedNeedsToken(model->name, model->repo);
  auto connected = app.Connect();
  if (!connected.ok()) return connected.status();
  kube::Client& client = **connected;
  const std::string ns = client.config().namespace_;
  auto hub = CheckRepo(app, client, ns, model->repo, HubToken{token, o.hf_token_secret, o.hf_token_key},
                       o.skip_hub_check);
  if (!hub.ok()) return hub.status();
  if (!gpu::FindModel(positionals.front()) && *hub && (*hub)->weights_gib) model->weights_gib = *(*hub)->weights_gib;

  CacheSpec spec;
  spec.cache = own::CacheName(model->name);
  spec.namespace_ = ns;
  spec.model = *model;
  spec.storage_class = o.storage_class;
  spec.access_mode = o.access_mode;
  spec.image = o.image.empty() ? DefaultImage() : o.image;
  if (model->weights_gib <= 0 && o.size.empty()) {
    return Status(Kind::kInvalidArgument, "the size of " + model->repo + "'s weights is not known (the Hub did not "
                                          "say): give the claim's size with --size, e.g. --size 40Gi");
  }
  spec.size = o.size.empty() ? CacheSize(model->weights_gib) : o.size;
  if (!o.size.empty() && model->weights_gib > 0) {
    auto q = kube::Quantity::Parse(o.size);
    if (q.ok() && static_cast<double>(q->Value()) < model->weights_gib * kGiB) {
      return Status(Kind::kInvalidArgument, "--size " + o.size + " is smaller than " + model->name + "'s weights (" +
                                                gpu::OneDecimal(model->weights_gib, " GiB") + "): give at least " +
                                                CacheSize(model->weights_gib) + "; nothing was changed");
    }
  }
  if (!token.empty()) {
    spec.hf_secret = spec.cache + "-hf-token";
    spec.hf_token = token;
  } else if (!o.hf_token_secret.empty()) {
    spec.hf_secret = o.hf_token_secret;
    spec.hf_key = o.hf_token_key;
  }
  auto objects = RenderCache(spec);
  if (!objects.ok()) return objects.status();
  if (o.dry_run == kube::DryRun::kClient) {
    PrintObjects(app.out, std::vector<json::value>(objects->begin(), objects->end()),
                 o.output.empty() ? "yaml" : o.output);
    return Status::Ok();
  }
  if (Status secret = CheckTokenSecret(client, ns, o.hf_token_secret); !secret.ok()) return secret;
  auto changes = PlanCacheChanges(client, spec, *objects);
  if (!changes.ok()) return changes.status();
  ExecuteOptions eo;
  eo.dry_run = o.dry_run;
  auto interrupts = app.deps.catch_interrupts ? app.deps.catch_interrupts() : nullptr;
  eo.interrupts = interrupts.get();
  eo.finish_hint = "kubectl lm pull " + positionals.front();
  const std::string suffix = DryRunSuffix(o.dry_run);
  std::vector<json::value> applied;
  Status s = Execute(client, *changes, eo, [&](const Change& c, const json::value& answer) {
    if (!o.output.empty()) {
      applied.push_back(answer);
      return;
    }
    app.out << c.what << (c.creates && o.dry_run == kube::DryRun::kNone ? " created" : " serverside-applied")
            << suffix << "\n";
  });
  if (!s.ok()) return s;
  if (!o.output.empty()) PrintObjects(app.out, applied, o.output);
  app.err << spec.cache << ": " << model->repo << " into a " << spec.size << " " << spec.access_mode
          << " claim; kubectl lm deploy " << positionals.front() << " mounts it read-only once job/" << spec.cache
          << " completes (kubectl get job " << spec.cache << " -n " << ns << ")\n";
  return Status::Ok();
}

}  // namespace

Command PullCommand() {
  using F = Flag<PullOptions>;
  std::vector<F> t = {
      {{"size", 0, "SIZE", "the claim's size (default: the weights, a tenth more and 1 GiB)"},
       [](PullOptions& o, const std::string& v) {
         if (!kube::Quantity::Parse(v).ok()) return Invalid("size", v, "use a quantity such as 40Gi");
         o.size = v;
         return std::string();
       }},
      TextFlag<PullOptions>({"storage-class", 0, "CLASS", "the claim's storage class (default: the cluster's)"},
                            &PullOptions::storage_class),
      {{"access-mode", 0, "MODE",
        "ReadWriteOnce (default: replicas that mount it share a node) or ReadWriteMany (any node)",
        {"ReadWriteOnce", "ReadWriteMany"}},
       [](PullOptions& o, const std::string& v) {
         if (v != "ReadWriteOnce" && v != "ReadWriteMany") {
           return Invalid("access-mode", v, "use ReadWriteOnce or ReadWriteMany");
         }
         o.access_mode = v;
         return std::string();
       }},
      TextFlag<PullOptions>({"image", 0, "IMAGE", "the image whose downloader runs (default: deploy's)"},
                            &PullOptions::image),
      {{"hf-token-secret", 0, "NAME[:KEY]", "Secret holding the Hugging Face token (key default: token)"},
       [](PullOptions& o, const std::string& v) { return SetTokenSecret(v, o.hf_token_secret, o.hf_token_key); }},
      SwitchFlag<PullOptions>({"hf-token-from-env", 0, "", "store $HF_TOKEN in a Secret for the download"},
                              &PullOptions::hf_token_from_env),
      SwitchFlag<PullOptions>({"skip-hub-check", 0, "", "do not ask the Hugging Face Hub first (air-gapped clusters)"},
                              &PullOptions::skip_hub_check),
      DryRunFlag<PullOptions>("client: print the objects; server: have the API server check them",
                              &PullOptions::dry_run),
      OutputFlag({"yaml", "json"}, &PullOptions::output),
  };
  return MakeCommand<PullOptions>(
      {"pull", "MODEL", "Stage a model's weights into a cache that outlives its deployments"}, std::move(t),
      {1, 1, "pull needs a MODEL, e.g. kubectl lm pull phi-3-mini-4k (kubectl lm models lists them)"}, RunPull);
}

}  // namespace lm
