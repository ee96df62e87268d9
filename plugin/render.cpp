#include "plugin/render.h"

#include <cmath>
#include <cstdio>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "kube/base64.h"
#include "kube/printable.h"
#include "kube/yaml_json.h"
#include "plugin/ownership.h"

namespace lm {
namespace json = boost::json;
namespace {

// A value inside a double-quoted YAML scalar: quotes, backslashes and every
// control character escaped, so that it stays one scalar, unchanged.
// (Printable's \xNN is YAML's escape for the same byte.)
std::string Escape(const std::string& v) {
  std::string quoted;
  for (char c : v) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return kube::Printable(quoted);
}

// Every {{key}} in the template sits inside double quotes (or is a bare
// number). One pass over the template: a value is never read again, so a
// value that holds "{{image}}" stays that text. A key without a value is
// an error (a template and this file disagree).
kube::Result<std::string> Fill(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t p = 0;
  for (size_t open = text.find("{{"); open != std::string::npos; open = text.find("{{", p)) {
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    std::string key = text.substr(open + 2, close - open - 2);
    auto it = values.find(key);
    if (it == values.end()) return kube::Status(kube::Kind::kInternal, "no value for {{" + key + "}}");
    out.append(text, p, open - p);
    out += Escape(it->second);
    p = close + 2;
  }
  return out + text.substr(p);
}

kube::Result<json::object> FromTemplate(const std::string& name, const std::map<std::string, std::string>& values) {
  auto it = ManifestTemplates().find(name);
  if (it == ManifestTemplates().end()) return kube::Status(kube::Kind::kInternal, "no manifest template " + name);
  auto text = Fill(it->second, values);
  if (!text.ok()) return text.status().WithContext("manifest template " + name);
  try {
    auto v = kube::YamlToJson(YAML::Load(*text));
    if (!v.ok()) return v.status().WithContext("manifest template " + name);
    if (!v->is_object()) return kube::Status(kube::Kind::kInternal, "manifest template " + name + " is not a mapping");
    return std::move(v->as_object());
  } catch (const YAML::Exception& e) {
    return kube::Status(kube::Kind::kInternal, "manifest template " + name + ": " + e.what());
  }
}

// A size to ask Kubernetes for: whole GiB, rounded up, as a quantity.
std::string CeilGi(double v) { return std::to_string(static_cast<long>(std::ceil(v))) + "Gi"; }

json::array& Path(json::object& o, std::initializer_list<const char*> keys, const char* last) {
  json::object* cur = &o;
  for (const char* k : keys) cur = &(*cur)[k].as_object();
  return (*cur)[last].as_array();
}

void RemoveNamed(json::array& a, const std::string& name) {
  for (auto it = a.begin(); it != a.end();) {
    if (it->as_object()["name"].as_string() == name) {
      it = a.erase(it);
    } else {
      ++it;
    }
  }
}

constexpr double kShmGiB = 2;  // vLLM's own Kubernetes manifest uses 2Gi

// What each {{key}} of the templates stands for.
std::map<std::string, std::string> TemplateValues(const DeploySpec& s) {
  const double weights = s.model.WeightsGiB(gpu::DtypeBytes(s.dtype).value_or(2));
  const bool tensor_parallel = s.plan.tp > 1;
  return {
      {"name", s.name},
      {"namespace", s.namespace_},
      {"model", s.model.name},
      {"repo", s.model.repo},
      {"image", s.image},
      {"replicas", std::to_string(s.replicas)},
      {"tp", std::to_string(s.plan.tp)},
      {"port", std::to_string(gpu::kServerPort)},
      {"gpu_resource", s.plan.resource},
      {"node_label", own::NodeLabelKey(s.name, s.namespace_)},
      {"labelled_nodes", own::LabelledNodesValue(s.plan.nodes)},
      {"plan", s.plan.summary},
      // Host memory to read the weights while loading, plus room for the
      // server itself and, with TP, the memory-backed /dev/shm.
      {"host_memory", CeilGi(weights + 4 + (tensor_parallel ? kShmGiB : 0))},
      {"cache_size", s.cache_size.empty() ? CeilGi(weights * 1.25 + 5) : s.cache_size},
      {"shm_size", CeilGi(kShmGiB)},
      {"expose", s.expose},
      {"hf_secret", s.hf_secret},
      {"hf_key", s.hf_key},
      {"api_secret", s.api_secret},
      {"api_key", s.api_key},
      {"storage_class", s.storage_class},
  };
}

// The Deployment's parts that depend on the spec beyond plain values: no
// HF_TOKEN without a Secret, no /dev/shm without TP, a PVC cache with a
// storage class.
void Tailor(json::object& d, const DeploySpec& s) {
  json::object& container = Path(d, {"spec", "template", "spec"}, "containers")[0].as_object();
  const std::vector<std::string> argv = gpu::ServerCommand(ServerConfigOf(s));
  json::array command, args;
  for (size_t i = 0; i < argv.size(); ++i) (i < 2 ? command : args).emplace_back(argv[i]);
  container["command"] = std::move(command);
  container["args"] = std::move(args);
  if (s.hf_secret.empty()) RemoveNamed(container["env"].as_array(), "HF_TOKEN");
  if (s.api_secret.empty()) RemoveNamed(container["env"].as_array(), "VLLM_API_KEY");
  if (s.plan.tp <= 1) {
    RemoveNamed(container["volumeMounts"].as_array(), "dshm");
    RemoveNamed(Path(d, {"spec", "template", "spec"}, "volumes"), "dshm");
  }
  if (!s.model_cache.empty()) {
    // The weights kubectl lm pull downloaded, read-only; vLLM reads them
    // offline, so a missing file is an error in its log, not a download.
    container["volumeMounts"].as_array().push_back(
        json::object{{"name", "weights"}, {"mountPath", "/model-cache"}, {"readOnly", true}});
    Path(d, {"spec", "template", "spec"}, "volumes")
        .push_back(json::object{{"name", "weights"},
                                {"persistentVolumeClaim", {{"claimName", s.model_cache}, {"readOnly", true}}}});
    container["env"].as_array().push_back(json::object{{"name", "HF_HUB_CACHE"}, {"value", "/model-cache/hub"}});
    container["env"].as_array().push_back(json::object{{"name", "HF_HUB_OFFLINE"}, {"value", "1"}});
    d["metadata"].as_object()["annotations"].as_object()["kubectl-lm.io/cache"] = s.model_cache;
  }
  if (!s.storage_class.empty()) {
    for (auto& vol : Path(d, {"spec", "template", "spec"}, "volumes")) {
      json::object& vo = vol.as_object();
      if (vo["name"].as_string() != "model-cache") continue;
      vo.erase("emptyDir");
      vo["persistentVolumeClaim"] = json::object{{"claimName", s.name + "-cache"}};
    }
  }
}

}  // namespace

gpu::ServerConfig ServerConfigOf(const DeploySpec& s) {
  gpu::ServerConfig c;
  c.model = s.model.repo;
  c.served_name = s.model.name;
  c.tensor_parallel = s.plan.tp;
  c.max_model_len = s.plan.context;
  c.batch = s.plan.batch;
  c.gpu_memory_utilization = s.utilization;
  c.dtype = s.dtype;
  c.quantization = s.quantization;
  c.mistral_format = s.model.mistral_format;
  c.extra_args = s.server_args;
  c.lora_modules = s.loras;
  c.max_lora_rank = s.max_lora_rank;
  return c;
}

namespace {

// YAML (and the API server) carry text only: bytes that are not UTF-8 are
// refused before anything is printed or sent.
kube::Status CheckUtf8(const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    if (!kube::ValidUtf8(value)) {
      return kube::Status(kube::Kind::kInvalidArgument, "the " + key + " \"" + kube::Printable(value) +
                                                            "\" is not valid UTF-8");
    }
  }
  return kube::Status::Ok();
}

}  // namespace

kube::Result<std::vector<json::object>> RenderCache(const CacheSpec& s) {
  const std::map<std::string, std::string> v = {
      {"cache", s.cache},           {"namespace", s.namespace_},         {"model", s.model.name},
      {"repo", s.model.repo},       {"size", s.size},                    {"storage_class", s.storage_class},
      {"access_mode", s.access_mode}, {"image", s.image},                {"hf_secret", s.hf_secret},
      {"hf_key", s.hf_key},         {"hf_token_base64", kube::Base64Encode(s.hf_token)}};
  if (auto utf8 = CheckUtf8(v); !utf8.ok()) return utf8;
  std::vector<json::object> out;
  if (!s.hf_token.empty()) {
    auto secret = FromTemplate("cache-secret", v);
    if (!secret.ok()) return secret.status();
    out.push_back(std::move(*secret));
  }
  auto pvc = FromTemplate("cache-pvc", v);
  if (!pvc.ok()) return pvc.status();
  if (s.storage_class.empty()) (*pvc)["spec"].as_object().erase("storageClassName");
  out.push_back(std::move(*pvc));
  auto job = FromTemplate("cache-job", v);
  if (!job.ok()) return job.status();
  if (s.hf_secret.empty()) {
    RemoveNamed(Path(*job, {"spec", "template", "spec"}, "containers")[0].as_object()["env"].as_array(), "HF_TOKEN");
  }
  out.push_back(std::move(*job));
  return out;
}

kube::Result<std::vector<json::object>> Render(const DeploySpec& s) {
  const auto v = TemplateValues(s);
  if (auto utf8 = CheckUtf8(v); !utf8.ok()) return utf8;
  std::vector<json::object> out;
  // The Secrets deploy creates, each from the one template.
  for (const auto& [name, key, value] : {std::tuple{s.hf_secret, s.hf_key, s.hf_token},
                                         std::tuple{s.api_secret, s.api_key, s.api_key_value}}) {
    if (value.empty()) continue;
    auto values = v;
    values["secret"] = name;
    values["secret_key"] = key;
    values["secret_base64"] = kube::Base64Encode(value);
    auto secret = FromTemplate("secret", values);
    if (!secret.ok()) return secret.status();
    out.push_back(std::move(*secret));
  }
  if (!s.storage_class.empty()) {
    auto pvc = FromTemplate("pvc", v);
    if (!pvc.ok()) return pvc.status();
    out.push_back(std::move(*pvc));
  }
  auto svc = FromTemplate("service", v);
  if (!svc.ok()) return svc.status();
  out.push_back(std::move(*svc));

  auto dep = FromTemplate("deployment", v);
  if (!dep.ok()) return dep.status();
  Tailor(*dep, s);
  out.push_back(std::move(*dep));
  return out;
}

std::string KindForOutput(const json::object& o) {
  std::string kind(o.at("kind").as_string());
  std::string api(o.at("apiVersion").as_string());
  for (auto& c : kind) c = static_cast<char>(std::tolower(c));
  auto slash = api.find('/');
  return slash == std::string::npos ? kind : kind + "." + api.substr(0, slash);
}

std::string ObjectPath(const json::object& o) {
  std::string api(o.at("apiVersion").as_string());
  std::string kind(o.at("kind").as_string());
  const json::object& md = o.at("metadata").as_object();
  std::string plural = kind == "PersistentVolumeClaim" ? "persistentvolumeclaims" : [&] {
    std::string p = kind;
    for (auto& c : p) c = static_cast<char>(std::tolower(c));
    return p + "s";
  }();
  std::string base = api.find('/') == std::string::npos ? "/api/" + api : "/apis/" + api;
  return base + "/namespaces/" + std::string(md.at("namespace").as_string()) + "/" + plural + "/" +
         std::string(md.at("name").as_string());
}

}  // namespace lm
