// kubectl lm deploy's flags, as one table, and its arguments as a value.
#include <boost/json.hpp>

#include <algorithm>

#include "gpu/server.h"
#include "kube/names.h"
#include "kube/printable.h"
#include "kube/quantity.h"
#include "plugin/deploy.h"
#include "plugin/hub.h"
#include "plugin/options.h"

namespace lm {
namespace {

// What to use instead of giving the server an option the plan sets.
std::string InsteadOf(const std::string& option) {
  static const std::pair<const char*, const char*> kFlags[] = {
      {"--max-model-len", "--context-length"},
      {"--tensor-parallel-size", "--tensor-parallel"},
      {"-tp", "--tensor-parallel"},
      {"-q", "--quantization"},
      {"--max-num-seqs", "--max-num-batched-tokens (sequences are an eighth of it)"},
  };
  for (const auto& [server, flag] : kFlags) {
    if (option == server) return std::string("; use deploy's ") + flag;
  }
  for (const char* same : {"--dtype", "--quantization", "--gpu-memory-utilization", "--max-num-batched-tokens"}) {
    if (option == same) return std::string("; use deploy's ") + same;
  }
  return "";
}

}  // namespace

using kube::Kind;
using kube::Status;

std::string DefaultImage() { return KUBECTL_LM_IMAGE; }

bool ValidDeploymentName(const std::string& s) {
  if (s.empty() || s.size() > 40 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return kube::IsDnsLabel(s);
}

namespace {

using F = Flag<DeployOptions>;

F Text(FlagInfo info, std::string DeployOptions::*field) { return TextFlag(std::move(info), field); }
F Switch(FlagInfo info, bool DeployOptions::*field) { return SwitchFlag(std::move(info), field); }

}  // namespace

// One entry per flag, in the order help lists them; longer than a function
// should be, because a table reads best whole.
std::vector<Flag<DeployOptions>> DeployFlagTable() {
  std::vector<F> t;
  AddPlanFlags(t, &DeployOptions::plan);
  t.push_back(Text({"name", 0, "NAME", "name of the deployment (default: the model's)"}, &DeployOptions::name));
  t.push_back({{"image", 0, "IMAGE", "inference image (default: the one this build names)"},
               [](DeployOptions& o, const std::string& v) {
                 // An image reference is printable ASCII, without spaces.
                 bool ok = !v.empty() && v.size() <= 512 &&
                           std::all_of(v.begin(), v.end(), [](char c) { return c > 0x20 && c < 0x7f; });
                 if (!ok) return Invalid("image", kube::Printable(v), "use an image reference such as registry/name:tag");
                 o.image = v;
                 return std::string();
               }});
  t.push_back({{"server-arg", 0, "ARG", "one more vllm serve argument, e.g. --server-arg=--enable-prefix-caching (repeatable)",
                {}, true},
               [](DeployOptions& o, const std::string& v) {
                 bool ok = !v.empty() && v.size() <= 4096 && kube::ValidUtf8(v) &&
                           std::none_of(v.begin(), v.end(), [](char c) { return (c >= 0 && c < 0x20) || c == 0x7f; });
                 if (!ok) return Invalid("server-arg", kube::Printable(v), "use one argument of printable text");
                 if (auto planned = gpu::PlannedServerOption(v)) {
                   return Invalid("server-arg", v, "deploy sets " + *planned + " from its plan" + InsteadOf(*planned));
                 }
                 o.server_args.push_back(v);
                 return std::string();
               }});
  t.push_back({{"lora", 0, "NAME=REPO_OR_PATH",
                "serve a LoRA adapter beside the model under NAME: a Hugging Face repo id or a path in the pod "
                "(repeatable)", {}, true},
               [](DeployOptions& o, const std::string& v) {
                 const auto eq = v.find('=');
                 const std::string name = v.substr(0, eq == std::string::npos ? 0 : eq);
                 const std::string source = eq == std::string::npos ? "" : v.substr(eq + 1);
                 const bool name_ok = !name.empty() && name.size() <= 64 &&
                                      std::all_of(name.begin(), name.end(), [](char c) {
                                        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                                               c == '.';
                                      });
                 const bool source_ok = !source.empty() && source.size() <= 512 && kube::ValidUtf8(source) &&
                                        std::none_of(source.begin(), source.end(), [](char c) {
                                          return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '=';
                                        });
                 if (!name_ok || !source_ok) {
                   return Invalid("lora", kube::Printable(v), "use NAME=ORG/REPO or NAME=/path, NAME of letters, "
                                                              "digits, '-', '_' and '.'");
                 }
                 for (const auto& [n, s] : o.loras) {
                   if (n == name) return Invalid("lora", v, "adapter " + name + " is named twice");
                 }
                 o.loras.emplace_back(name, source);
                 return std::string();
               }});
  t.push_back({{"max-lora-rank", 0, "R", "the largest rank of the --lora adapters (default: read from each "
                                         "adapter's adapter_config.json)"},
               [](DeployOptions& o, const std::string& v) {
                 auto n = ParseInteger(v, 1, gpu::kLoraRanks[std::size(gpu::kLoraRanks) - 1]);
                 if (!n) return Invalid("max-lora-rank", v, "use a rank from 1 to 512");
                 o.max_lora_rank = static_cast<int>(*n);
                 return std::string();
               }});
  t.push_back({{"hf-token-secret", 0, "NAME[:KEY]", "Secret holding the Hugging Face token (key default: token)"},
               [](DeployOptions& o, const std::string& v) {
                 return SetTokenSecret(v, o.hf_token_secret, o.hf_token_key);
               }});
  t.push_back(Switch({"hf-token-from-env", 0, "", "store $HF_TOKEN in a Secret deploy creates"},
                     &DeployOptions::hf_token_from_env));
  t.push_back({{"api-key-secret", 0, "NAME[:KEY]", "require the key in this Secret on the OpenAI API (key default: api-key)"},
               [](DeployOptions& o, const std::string& v) {
                 return SetSecretRef("api-key-secret", v, o.api_key_secret, o.api_key_key);
               }});
  t.push_back({{"api-key-from-env", 0, "VAR", "require the key in $VAR on the OpenAI API (stored in a Secret deploy creates)"},
               [](DeployOptions& o, const std::string& v) {
                 if (v.empty() || v.find('=') != std::string::npos) return Invalid("api-key-from-env", v, "use the name of an environment variable");
                 o.api_key_from_env = v;
                 return std::string();
               }});
  t.push_back(Switch({"skip-hub-check", 0, "", "do not ask the Hugging Face Hub whether the repo exists and the token may read it (air-gapped clusters)"},
                     &DeployOptions::skip_hub_check));
  t.push_back({{"cache-size", 0, "SIZE", "size of the model cache volume, e.g. 100Gi"},
               [](DeployOptions& o, const std::string& v) {
                 if (!kube::Quantity::Parse(v).ok()) return Invalid("cache-size", v, "use a quantity such as 100Gi");
                 o.cache_size = v;
                 return std::string();
               }});
  t.push_back(Text({"storage-class", 0, "CLASS", "keep the model cache in a PersistentVolumeClaim of this class"},
                   &DeployOptions::storage_class));
  t.push_back({{"cache", 0, "", "mount the weights kubectl lm pull staged for this model (default: when there are any)"},
               [](DeployOptions& o, const std::string& v) {
                 o.cache = v == "true";
                 return std::string();
               }});
  t.push_back({{"no-cache", 0, "", "do not mount the model's pulled weights; download them"},
               [](DeployOptions& o, const std::string& v) {
                 o.cache = v != "true";
                 return std::string();
               }});
  t.push_back({{"expose", 0, "TYPE", "Service type: ClusterIP, NodePort or LoadBalancer",
                {"ClusterIP", "NodePort", "LoadBalancer"}},
               [](DeployOptions& o, const std::string& v) {
                 if (v != "ClusterIP" && v != "NodePort" && v != "LoadBalancer") {
                   return Invalid("expose", v, "use ClusterIP, NodePort or LoadBalancer");
                 }
                 o.expose = v;
                 return std::string();
               }});
  t.push_back(DryRunFlag<DeployOptions>("client: print the objects; server: have the API server check them",
                                        &DeployOptions::dry_run));
  t.push_back(OutputFlag({"yaml", "json"}, &DeployOptions::output));
  t.push_back(Switch({"wait", 0, "", "wait until the model answers, or fails"}, &DeployOptions::wait));
  t.push_back({{"timeout", 0, "DURATION", "how long --wait waits (default 30m)"},
               [](DeployOptions& o, const std::string& v) {
                 auto d = ParseTimeout(v);
                 if (!d.ok() || d->count() <= 0) return Invalid("timeout", v, "use a duration such as 10m");
                 o.timeout = std::chrono::duration_cast<std::chrono::seconds>(*d);
                 return std::string();
               }});
  t.push_back({{"field-manager", 0, "NAME", "server-side apply field manager (default kubectl-lm)"},
               [](DeployOptions& o, const std::string& v) {
                 if (v.empty() || v.size() > 128) return Invalid("field-manager", v, "use 1 to 128 printable characters");
                 o.field_manager = v;
                 return std::string();
               }});
  t.push_back(Switch({"force-conflicts", 0, "", "take over fields another field manager owns"},
                     &DeployOptions::force_conflicts));
  return t;
}

kube::Status FinishDeployOptions(DeployOptions& o, const std::vector<std::string>& positionals) {
  if (positionals.empty()) return FlagError("deploy", kDeployNeedsModel);
  if (positionals.size() > 1) {
    return FlagError("deploy", "deploy takes one MODEL, got \"" + positionals[0] + "\" and \"" + positionals[1] + "\"");
  }
  o.model = positionals[0];
  if (!o.hf_token_secret.empty() && o.hf_token_from_env) {
    return FlagError("deploy", "--hf-token-secret and --hf-token-from-env cannot be used together");
  }
  if (!o.api_key_secret.empty() && !o.api_key_from_env.empty()) {
    return FlagError("deploy", "--api-key-secret and --api-key-from-env cannot be used together");
  }
  if (o.image.empty()) o.image = DefaultImage();
  return Status::Ok();
}

kube::Result<DeployOptions> ParseDeployArgs(const std::vector<std::string>& args) {
  DeployOptions o;
  auto positionals = ParseFlags("deploy", args, DeployFlagTable(), o);
  if (!positionals.ok()) return positionals.status();
  Status s = FinishDeployOptions(o, *positionals);
  if (!s.ok()) return s;
  return o;
}

}  // namespace lm
