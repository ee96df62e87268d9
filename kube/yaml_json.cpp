#include "kube/yaml_json.h"

#include <charconv>
#include <cmath>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

namespace kube {
namespace json = boost::json;
namespace {

json::value Scalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() != "?") return json::string(s);  // quoted, or explicitly tagged
  if (s == "true") return true;
  if (s == "false") return false;
  if (s == "null" || s == "~") return nullptr;
  const char* end = s.data() + s.size();
  long long i = 0;
  if (auto r = std::from_chars(s.data(), end, i); r.ec == std::errc() && r.ptr == end) return i;
  double d = 0;
  if (auto r = std::from_chars(s.data(), end, d); r.ec == std::errc() && r.ptr == end && std::isfinite(d)) return d;
  return json::string(s);
}

json::value Convert(const YAML::Node& n, int depth) {
  if (depth > kMaxYamlDepth) return nullptr;
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      json::object o;
      for (auto it : n) o[it.first.Scalar()] = Convert(it.second, depth + 1);
      return o;
    }
    case YAML::NodeType::Sequence: {
      json::array a;
      for (auto it : n) a.push_back(Convert(it, depth + 1));
      return a;
    }
    case YAML::NodeType::Scalar:
      return Scalar(n);
    default:
      return nullptr;
  }
}

}  // namespace

json::value YamlToJson(const YAML::Node& node) { return Convert(node, 0); }

}  // namespace kube
