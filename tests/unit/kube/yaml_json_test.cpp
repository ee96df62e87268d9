// The one YAML-to-JSON converter, against sigs.k8s.io/yaml's rules.
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "kube/yaml_json.h"

using kube::YamlToJson;

BOOST_AUTO_TEST_SUITE(yaml_json)

BOOST_AUTO_TEST_CASE(plain_scalars_are_typed_quoted_ones_are_strings) {
  auto v = YamlToJson(YAML::Load("{a: 1, b: '1', c: true, d: \"true\", e: null, f: 0.5, g: text, h: [1, x]}"));
  BOOST_REQUIRE(v.ok());
  BOOST_CHECK_EQUAL(boost::json::serialize(*v),
                    R"({"a":1,"b":"1","c":true,"d":"true","e":null,"f":5E-1,"g":"text","h":[1,"x"]})");
}

BOOST_AUTO_TEST_CASE(nesting_is_bounded) {
  std::string deep(200, '[');
  deep += std::string(200, ']');
  auto r = YamlToJson(YAML::Load(deep));
  BOOST_REQUIRE(r.ok());
  const boost::json::value& v = *r;
  int depth = 0;
  for (const boost::json::value* p = &v; p->is_array() && !p->as_array().empty(); p = &p->as_array()[0]) ++depth;
  BOOST_CHECK_LE(depth, kube::kMaxYamlDepth + 1);
}

// Regression: a 935-byte kubeconfig whose exec extension nests aliases nine
// deep ("billion laughs") took 5.5 GB and did not finish in 20 s.
BOOST_AUTO_TEST_CASE(nested_aliases_are_refused_not_expanded_without_end) {
  std::string doc = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 9; ++i) {
    doc += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) doc += (k ? ", *a" : "*a") + std::to_string(i - 1);
    doc += "]\n";
  }
  auto bomb = YamlToJson(YAML::Load(doc));
  BOOST_REQUIRE(!bomb.ok());
  BOOST_CHECK_EQUAL(bomb.status().message(), "the YAML expands to more than 100000 values (are aliases nested?)");
  // Aliases as such are fine.
  auto small = YamlToJson(YAML::Load("a: &x [1, 2]\nb: *x\n"));
  BOOST_REQUIRE(small.ok());
  BOOST_CHECK_EQUAL(boost::json::serialize(*small), R"({"a":[1,2],"b":[1,2]})");
}

BOOST_AUTO_TEST_SUITE_END()
