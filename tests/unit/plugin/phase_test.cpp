// Phases from Deployments, Pods and Events captured on the test cluster
// (tests/testdata), and variations of them that real kubelets produce.
#include <boost/test/unit_test.hpp>

#include "plugin/phase.h"
#include "tests/unit/gpu/fixtures.h"

using namespace lm;
namespace json = boost::json;

namespace {
std::vector<json::object> Items(const std::string& file) {
  std::vector<json::object> out;
  json::value list = fixtures::Load(file);  // kept alive: the loop walks into it
  for (auto& v : list.as_object()["items"].as_array()) out.push_back(v.as_object());
  return out;
}
json::object Deployment(const std::string& file) { return fixtures::Load(file).as_object(); }

// A pod of the pending fixture that is running, with its container state replaced.
json::object WithContainerState(json::value state, json::value last_state = nullptr, int restarts = 0) {
  json::object pod;
  for (auto& p : Items("pods-pending.json")) {
    if (p["spec"].as_object().contains("nodeName")) pod = p;
  }
  auto& status = pod["status"].as_object();
  for (auto& c : status["conditions"].as_array()) {
    if (c.as_object()["type"].as_string() == "Ready") c.as_object()["status"] = "False";
  }
  auto& cs = status["containerStatuses"].as_array()[0].as_object();
  cs["ready"] = false;
  cs["state"] = std::move(state);
  cs["restartCount"] = restarts;
  if (!last_state.is_null()) cs["lastState"] = std::move(last_state);
  return pod;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(phase)

BOOST_AUTO_TEST_CASE(pending_with_the_schedulers_reason) {
  Phase p = DerivePhase(Deployment("deployment-pending.json"), Items("pods-pending.json"), Items("events.json"));
  BOOST_CHECK_EQUAL(p.phase, "Pending");
  BOOST_CHECK(p.reason.rfind("0/7 nodes are available: 1 Insufficient nvidia.com/gpu", 0) == 0);
  BOOST_CHECK_EQUAL(p.ready_replicas, 1);
  BOOST_CHECK_EQUAL(p.replicas, 2);
}

BOOST_AUTO_TEST_CASE(image_pull_backoff) {
  Phase p = DerivePhase(Deployment("deployment-image-pull-backoff.json"), Items("pods-image-pull-backoff.json"), {});
  BOOST_CHECK_EQUAL(p.phase, "ImagePullBackOff");
  BOOST_CHECK_EQUAL(p.reason, "Back-off pulling image \"registry.invalid/unpullable:1\"");
}

BOOST_AUTO_TEST_CASE(never_ready_unless_pods_are_ready) {
  auto d = Deployment("deployment-pending.json");
  // One Ready pod of the two wanted: not Ready.
  auto pods = Items("pods-pending.json");
  pods.erase(std::remove_if(pods.begin(), pods.end(), [](json::object& p) { return !p["spec"].as_object().contains("nodeName"); }), pods.end());
  Phase p = DerivePhase(d, pods, {});
  BOOST_CHECK_EQUAL(p.phase, "Pending");
  BOOST_CHECK_EQUAL(p.reason, "waiting for the Deployment's pods to be created");
  d["spec"].as_object()["replicas"] = 1;
  BOOST_CHECK_EQUAL(DerivePhase(d, pods, {}).phase, "Ready");
}

BOOST_AUTO_TEST_CASE(crash_loop_oom_and_loading) {
  auto d = Deployment("deployment-pending.json");
  d["spec"].as_object()["replicas"] = 1;
  auto crash = WithContainerState(json::parse(R"({"waiting":{"reason":"CrashLoopBackOff"}})"),
                                  json::parse(R"({"terminated":{"reason":"Error","exitCode":1}})"), 4);
  Phase c = DerivePhase(d, {crash}, {});
  BOOST_CHECK_EQUAL(c.phase, "CrashLoopBackOff");
  BOOST_CHECK_EQUAL(c.reason, "the server exits (restarted 4 time(s)), last: Error");
  auto oom = WithContainerState(json::parse(R"({"waiting":{"reason":"CrashLoopBackOff"}})"),
                                json::parse(R"({"terminated":{"reason":"OOMKilled","exitCode":137}})"), 2);
  BOOST_CHECK_EQUAL(DerivePhase(d, {oom}, {}).phase, "OOMKilled");
  auto loading = WithContainerState(json::parse(R"({"running":{"startedAt":"2026-11-28T13:00:00Z"}})"));
  Phase l = DerivePhase(d, {loading}, {});
  BOOST_CHECK_EQUAL(l.phase, "Loading");
  BOOST_CHECK_EQUAL(l.ready_replicas, 0);
}

BOOST_AUTO_TEST_CASE(worst_pod_decides) {
  auto d = Deployment("deployment-pending.json");
  auto loading = WithContainerState(json::parse(R"({"running":{}})"));
  auto crash = WithContainerState(json::parse(R"({"waiting":{"reason":"CrashLoopBackOff"}})"), nullptr, 1);
  crash["metadata"].as_object()["name"] = "other";
  BOOST_CHECK_EQUAL(DerivePhase(d, {loading, crash}, {}).phase, "CrashLoopBackOff");
}

BOOST_AUTO_TEST_SUITE_END()
