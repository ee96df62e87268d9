// Node and Pod JSON captured from the e2e cluster (tests/testdata), with
// helpers to vary them the way real clusters differ.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <boost/json.hpp>

#include "testdata.h"

namespace fixtures {

inline boost::json::value Load(const std::string& file) {
  std::ifstream in(TestdataDir() + "/" + file);
  std::stringstream s;
  s << in.rdbuf();
  return boost::json::parse(s.str());
}

// The captured NodeList's items.
inline boost::json::array Nodes() { return Load("nodes.json").as_object()["items"].as_array(); }

inline boost::json::object& Node(boost::json::array& nodes, const std::string& name) {
  for (auto& n : nodes) {
    if (n.as_object()["metadata"].as_object()["name"].as_string() == name) return n.as_object();
  }
  throw std::runtime_error("no fixture node " + name);
}

inline boost::json::object& Labels(boost::json::object& node) {
  return node["metadata"].as_object()["labels"].as_object();
}

}  // namespace fixtures
