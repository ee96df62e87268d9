// The one YAML-to-JSON converter, against sigs.k8s.io/yaml's rules.
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "kube/yaml_json.h"

using kube::YamlToJson;

BOOST_AUTO_TEST_SUITE(yaml_json)

BOOST_AUTO_TEST_CASE(plain_scalars_are_typed_quoted_ones_are_strings) {
  auto v = YamlToJson(YAML::Load("{a: 1, b: '1', c: true, d: \"true\", e: null, f: 0.5, g: text, h: [1, x]}"));
  BOOST_CHECK_EQUAL(boost::json::serialize(v),
                    R"({"a":1,"b":"1","c":true,"d":"true","e":null,"f":5E-1,"g":"text","h":[1,"x"]})");
}

BOOST_AUTO_TEST_CASE(nesting_is_bounded) {
  std::string deep(200, '[');
  deep += std::string(200, ']');
  auto v = YamlToJson(YAML::Load(deep));
  int depth = 0;
  for (const boost::json::value* p = &v; p->is_array() && !p->as_array().empty(); p = &p->as_array()[0]) ++depth;
  BOOST_CHECK_LE(depth, kube::kMaxYamlDepth + 1);
}

BOOST_AUTO_TEST_SUITE_END()
