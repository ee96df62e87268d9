// What nodes, models and status print, for each output format, compared
// with golden files (tests/testdata/golden). Each command runs whole
// against a scripted API server that answers with objects captured from
// the e2e cluster, so a change to a renderer shows up as a diff of these
// files in review. scripts/update-golden rewrites them.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "harness.h"
#include "testdata.h"
#include "plugin/printers.h"

namespace json = boost::json;

namespace {

std::string GoldenPath(const std::string& name) { return TestdataDir() + "/golden/" + name; }

// Compares `got` with the golden file, or rewrites the file when
// UPDATE_GOLDEN is set.
void CheckGolden(const std::string& name, const std::string& got) {
  if (std::getenv("UPDATE_GOLDEN")) {
    std::ofstream(GoldenPath(name)) << got;
    return;
  }
  std::ifstream in(GoldenPath(name));
  BOOST_REQUIRE_MESSAGE(in, "no golden file " + name + " (run scripts/update-golden)");
  std::stringstream want;
  want << in.rdbuf();
  BOOST_CHECK_MESSAGE(got == want.str(), name + " differs from its golden file; got:\n" + got);
}

// The captured nodes, with the captured pods holding GPUs on them: one
// Running pod on gpu-a100-0, one on gpu-h100-0 with init containers.
struct Cluster : harness::Harness {
  Cluster() {
    harness::ServeIdleCluster(api);
    json::array pods = harness::Testdata("pods-pending.json").at("items").as_array();
    pods.push_back(harness::Testdata("pod-init-containers.json"));
    api.On("GET", "/api/v1/pods", 200, harness::ListOf(pods));
  }
};

struct Case {
  std::vector<std::string> args;
  std::string golden;
};

void RunCases(const std::vector<Case>& cases, void (*serve)(harness::ScriptedApi&)) {
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.golden) {
      Cluster h;
      if (serve) serve(h.api);
      int code = h.Run(c.args);
      BOOST_CHECK_MESSAGE(code == 0 || c.golden.find("fails") != std::string::npos, h.err.str());
      CheckGolden(c.golden, h.out.str());
    }
  }
}

void ServeDeployments(harness::ScriptedApi& api) {
  api.On("GET", "/apis/apps/v1/namespaces/ml/deployments", 200,
         harness::ListOf({harness::Testdata("deployment-pending.json"),
                          harness::Testdata("deployment-image-pull-backoff.json")}));
  json::array pods = harness::Testdata("pods-pending.json").at("items").as_array();
  const json::value backoff = harness::Testdata("pods-image-pull-backoff.json");
  for (const auto& p : backoff.at("items").as_array()) pods.push_back(p);
  api.On("GET", "/api/v1/namespaces/ml/pods", 200, harness::ListOf(pods));
  api.On("GET", "/api/v1/namespaces/ml/events", 200, harness::Testdata("events.json"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(golden)

BOOST_AUTO_TEST_CASE(nodes) {
  RunCases({{{"nodes"}, "nodes.txt"},
            {{"nodes", "-o", "wide", "--all"}, "nodes-wide-all.txt"},
            {{"nodes", "-o", "json"}, "nodes.json"}},
           nullptr);
}

BOOST_AUTO_TEST_CASE(models) {
  RunCases({{{"models"}, "models.txt"},
            {{"models", "--fits", "-o", "wide"}, "models-fits-wide.txt"},
            {{"models", "--fits", "-o", "json"}, "models-fits.json"},
            {{"models", "llama-3.3-70b"}, "models-llama-3.3-70b.txt"},
            {{"models", "llama-3.3-70b", "-o", "json"}, "models-llama-3.3-70b.json"}},
           nullptr);
}

BOOST_AUTO_TEST_CASE(status) {
  RunCases({{{"status"}, "status.txt"},
            {{"status", "-o", "wide"}, "status-wide.txt"},
            {{"status", "-o", "json"}, "status.json"},
           },
           ServeDeployments);
  // The script ignores label selectors: for one NAME it answers with that one.
  RunCases({{{"status", "fx-bad"}, "status-fx-bad.txt"}}, [](harness::ScriptedApi& api) {
    ServeDeployments(api);
    api.On("GET", "/apis/apps/v1/namespaces/ml/deployments", 200,
           harness::ListOf({harness::Testdata("deployment-image-pull-backoff.json")}));
  });
}

BOOST_AUTO_TEST_SUITE_END()

// The streamed list is byte for byte the document printed whole.
BOOST_AUTO_TEST_SUITE(json_list_writer)

BOOST_AUTO_TEST_CASE(streamed_items_print_as_the_whole_document) {
  const boost::json::value item1 = boost::json::parse(R"({"name":"a","n":[1,{"x":[]}],"o":{}})");
  const boost::json::value item2 = boost::json::parse(R"({"name":"b \"q\"","ok":true})");
  for (size_t n = 0; n <= 2; ++n) {
    boost::json::array items;
    std::ostringstream streamed, whole;
    lm::JsonListWriter list(streamed, "kubectl-lm/v1alpha1", "GpuNodeList");
    for (size_t i = 0; i < n; ++i) {
      list.Add(i == 0 ? item1 : item2);
      items.push_back(i == 0 ? item1 : item2);
    }
    list.Finish();
    lm::PrintDocument(whole, boost::json::object{{"apiVersion", "kubectl-lm/v1alpha1"}, {"kind", "GpuNodeList"},
                                                 {"items", items}},
                      "json");
    BOOST_CHECK_EQUAL(streamed.str(), whole.str());
  }
}

BOOST_AUTO_TEST_SUITE_END()
