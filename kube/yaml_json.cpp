#include "kube/yaml_json.h"

#include <charconv>
#include <cmath>
#include <optional>

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

// Converts `n`, counting down `budget` by one per value; nullopt once spent.
std::optional<json::value> Convert(const YAML::Node& n, int depth, long& budget) {
  if (--budget < 0) return std::nullopt;
  if (depth > kMaxYamlDepth) return nullptr;
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      json::object o;
      for (auto it : n) {
        auto v = Convert(it.second, depth + 1, budget);
        if (!v) return std::nullopt;
        o[it.first.Scalar()] = std::move(*v);
      }
      return o;
    }
    case YAML::NodeType::Sequence: {
      json::array a;
      for (auto it : n) {
        auto v = Convert(it, depth + 1, budget);
        if (!v) return std::nullopt;
        a.push_back(std::move(*v));
      }
      return a;
    }
    case YAML::NodeType::Scalar:
      return Scalar(n);
    default:
      return nullptr;
  }
}

}  // namespace

Result<json::value> YamlToJson(const YAML::Node& node) {
  long budget = kMaxYamlValues;
  auto v = Convert(node, 0, budget);
  if (!v) {
    return Status(Kind::kInvalidConfig, "the YAML expands to more than " + std::to_string(kMaxYamlValues) +
                                            " values (are aliases nested?)");
  }
  return std::move(*v);
}

}  // namespace kube
