#include "plugin/ownership.h"

#include <cctype>

#include <boost/algorithm/string/join.hpp>
#include <boost/algorithm/string/split.hpp>
#include <boost/json.hpp>

#include "kube/json_fields.h"

namespace lm::own {
namespace json = boost::json;

std::string ManagedSelector() { return std::string(kManagedByKey) + "=" + kManagedByValue; }

std::string DeploymentSelector(const std::string& name) {
  return ManagedSelector() + "," + kDeploymentKey + "=" + name;
}

bool BelongsTo(const json::object& object, const std::string& name) {
  return kube::LabelOf(object, kManagedByKey) == kManagedByValue && kube::LabelOf(object, kDeploymentKey) == name;
}

std::string CacheName(const std::string& model) {
  std::string name = "lm-cache-";
  for (char c : model) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    name += (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '-';
  }
  name = name.substr(0, 63);
  while (name.back() == '-') name.pop_back();
  return name;
}

std::string CacheSelector(const std::string& cache) { return ManagedSelector() + "," + kCacheKey + "=" + cache; }

bool BelongsToCache(const json::object& object, const std::string& cache) {
  return kube::LabelOf(object, kManagedByKey) == kManagedByValue && kube::LabelOf(object, kCacheKey) == cache;
}

bool IsPodOf(const json::object& pod, const std::string& name, const std::string& ns) {
  return kube::StrField(kube::ObjField(&pod, "metadata"), "namespace") == ns && BelongsTo(pod, name);
}

std::string NodeLabelKey(const std::string& name, const std::string& ns) {
  return name + "." + ns + ".kubectl-lm.io/fits";
}

json::object NodeLabelPatch(const std::string& key, bool set) {
  json::value v = set ? json::value("true") : json::value(nullptr);
  return json::object{{"metadata", {{"labels", {{key, v}}}}}};
}

bool HasNodeLabel(const json::object& node, const std::string& key) {
  return kube::LabelOf(node, key.c_str()) == "true";
}

std::vector<std::string> LabelledNodes(const json::object& deployment) {
  std::string value = kube::StrField(kube::ObjField(kube::ObjField(&deployment, "metadata"), "annotations"),
                                     kLabelledNodesAnnotation);
  std::vector<std::string> nodes;
  if (value.empty()) return nodes;
  boost::split(nodes, value, [](char c) { return c == ','; });
  std::erase(nodes, std::string());
  return nodes;
}

std::string LabelledNodesValue(const std::vector<std::string>& nodes) { return boost::algorithm::join(nodes, ","); }

}  // namespace lm::own
