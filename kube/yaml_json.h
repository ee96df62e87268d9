// YAML to JSON, the one converter: kubeconfig extensions handed to exec
// plugins and the manifests deploy renders both go through it.
#pragma once

#include <boost/json/value.hpp>
#include <yaml-cpp/node/node.h>

#include "kube/status.h"

namespace kube {

// As sigs.k8s.io/yaml (YAMLToJSON) converts for client-go and kubectl: a
// plain scalar that reads as true, false, null or a number becomes one; a
// quoted scalar, or any other, stays a string. Nesting deeper than
// kMaxYamlDepth is cut (the value becomes null): no document we read is
// anywhere near it, recursion must stay bounded, and what comes out must
// parse again under Boost.JSON's default depth limit of 32.
//
// Aliases are expanded as the converter meets them, so a small document can
// stand for a huge one ("billion laughs": nine levels of ten aliases is 10^9
// values from under a kilobyte). More than kMaxYamlValues values is an
// error, as go-yaml's "document contains excessive aliasing" is.
inline constexpr int kMaxYamlDepth = 30;
inline constexpr long kMaxYamlValues = 100'000;
Result<boost::json::value> YamlToJson(const YAML::Node& node);

}  // namespace kube
