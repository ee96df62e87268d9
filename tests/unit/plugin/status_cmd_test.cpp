// kubectl lm status against a scripted API server answering with objects
// captured from the e2e cluster (tests/testdata).
#include <boost/test/unit_test.hpp>

#include <ctime>
#include <fstream>
#include <sstream>

#include "harness.h"
#include "kube/rfc3339.h"
#include "plugin/deployment_status.h"
#include "testdata.h"

namespace json = boost::json;

namespace {

struct StatusFixture : harness::Harness {
  StatusFixture() {
    api.On("GET", "/apis/apps/v1/namespaces/ml/deployments", 200,
           harness::ListOf({harness::Testdata("deployment-image-pull-backoff.json")}));
    api.On("GET", "/api/v1/namespaces/ml/pods", 200, harness::Testdata("pods-image-pull-backoff.json"));
    api.On("GET", "/api/v1/namespaces/ml/events", 200, harness::Testdata("events.json"));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(status_cmd, StatusFixture)

BOOST_AUTO_TEST_CASE(names_the_backoff_and_asks_only_reads) {
  BOOST_REQUIRE_MESSAGE(Run({"status", "fx-bad"}) == 0, err.str());
  BOOST_CHECK(api.Writes().empty());
  BOOST_CHECK(out.str().find("Phase:      ImagePullBackOff\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(watch_polls_every_two_seconds_and_prints_only_changes) {
  // The third look fails, which ends the watch after two sleeps. (Routes
  // added later are tried first: the two good answers come before it.)
  api.On("GET", "/apis/apps/v1/namespaces/ml/deployments", 403, harness::StatusBody(403, "Forbidden", "gone"));
  api.On("GET", "/apis/apps/v1/namespaces/ml/deployments", 200,
         harness::ListOf({harness::Testdata("deployment-image-pull-backoff.json")}), 2);
  BOOST_CHECK_EQUAL(Run({"status", "--watch"}), 1);
  BOOST_REQUIRE_MESSAGE(slept.size() == 2u, err.str());
  BOOST_CHECK(slept[0] == std::chrono::seconds(2));
  // One table, printed once: the second look changed nothing.
  std::string text = out.str();
  BOOST_CHECK_EQUAL(std::count(text.begin(), text.end(), '\n'), 2);
  BOOST_CHECK(err.str().rfind("error: list deployments: Error from server (Forbidden): gone", 0) == 0);
}

BOOST_AUTO_TEST_CASE(none_found_says_so_on_stderr) {
  api.On("GET", "/apis/apps/v1/namespaces/ml/deployments", 200, harness::ListOf({}));
  BOOST_REQUIRE_EQUAL(Run({"status"}), 0);
  BOOST_CHECK_EQUAL(out.str(), "");
  BOOST_CHECK_EQUAL(err.str(), "No model deployments found in namespace ml.\n");
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// fx-pend (captured) with one replica wanted and only its Ready pod: Ready.
struct ReadyFixture : harness::Harness {
  static constexpr const char* kProbe = "/api/v1/namespaces/default/services/fx-pend:http/proxy/v1/completions";
  ReadyFixture() { harness::ServeOneReplica(api); }
  // The probe's answer, `took` after the request.
  void Answer(int code, const std::string& body, std::chrono::milliseconds took = {}) {
    api.On("POST", kProbe, [this, code, body, took](const kube::HttpRequest&) -> kube::Result<kube::HttpResponse> {
      now += took;
      kube::HttpResponse r;
      r.status = code;
      r.body = body;
      return r;
    });
  }
  std::vector<std::string> Probes() const {
    std::vector<std::string> out;
    for (const auto& c : api.Calls()) {
      if (c.rfind("POST ", 0) == 0) out.push_back(c);
    }
    return out;
  }
};

}  // namespace

// A pod's readiness is vLLM's /health; the probe asks the model itself.
BOOST_FIXTURE_TEST_SUITE(status_probe, ReadyFixture)

BOOST_AUTO_TEST_CASE(one_name_is_asked_for_one_token_and_says_how_long_it_took) {
  Answer(200, R"({"id":"cmpl-1","object":"text_completion","choices":[{"index":0,"text":" there"}]})",
         std::chrono::milliseconds(42));
  BOOST_REQUIRE_MESSAGE(Run({"status", "fx-pend"}) == 0, err.str());
  BOOST_CHECK(out.str().find("Phase:      Ready (answered in 42 ms)\n") != std::string::npos);
  BOOST_REQUIRE_EQUAL(Probes().size(), 1u);
  const auto& req = api.requests().back();
  BOOST_CHECK_EQUAL(req.target, kProbe);
  BOOST_CHECK_EQUAL(req.body, R"({"model":"qwen2.5-7b","prompt":"Hi","max_tokens":1})");
  // Nothing but the probe is written.
  BOOST_CHECK_EQUAL(api.Writes().size(), 1u);
}

BOOST_AUTO_TEST_CASE(an_error_answer_is_unhealthy_with_the_servers_first_line) {
  // vLLM's error body (vllm/entrypoints/openai/protocol.py ErrorResponse).
  Answer(500, "{\"object\":\"error\",\"message\":\"CUDA out of memory\",\"type\":\"InternalServerError\",\"code\":500}\nmore");
  BOOST_REQUIRE_MESSAGE(Run({"status", "fx-pend", "-o", "json"}) == 0, err.str());
  json::value v = json::parse(out.str());
  const json::object& item = v.at("items").as_array()[0].as_object();
  BOOST_CHECK_EQUAL(item.at("phase").as_string(), "Unhealthy");
  BOOST_CHECK_EQUAL(item.at("ready").as_bool(), false);
  BOOST_CHECK_EQUAL(item.at("reason").as_string(),
                    "the server answered HTTP 500: {\"object\":\"error\",\"message\":\"CUDA out of memory\","
                    "\"type\":\"InternalServerError\",\"code\":500}");
  BOOST_CHECK_EQUAL(item.at("probe").at("answered").as_bool(), false);
}

BOOST_AUTO_TEST_CASE(the_api_servers_own_refusal_is_the_reason) {
  Answer(503, harness::StatusBody(503, "ServiceUnavailable", "no endpoints available for service \"fx-pend\""));
  BOOST_REQUIRE_MESSAGE(Run({"status", "fx-pend"}) == 0, err.str());
  BOOST_CHECK(out.str().find("Phase:      Unhealthy\n") != std::string::npos);
  BOOST_CHECK(out.str().find("Reason:     no endpoints available for service \"fx-pend\"\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_answer_without_a_completion_is_unhealthy) {
  Answer(200, "<html>proxy login</html>");
  BOOST_REQUIRE_MESSAGE(Run({"status", "fx-pend"}) == 0, err.str());
  BOOST_CHECK(out.str().find("Reason:     the server answered HTTP 200 without a completion: <html>proxy login</html>") !=
              std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_server_that_hangs_is_unhealthy_within_the_bound) {
  api.On("POST", kProbe, [this](const kube::HttpRequest&) -> kube::Result<kube::HttpResponse> {
    now += std::chrono::seconds(3);
    return kube::Status(kube::Kind::kConnection, "Unable to connect to the server: read timed out after 3.000s");
  });
  BOOST_REQUIRE_MESSAGE(Run({"status", "fx-pend", "--request-timeout", "3s"}) == 0, err.str());
  BOOST_CHECK(out.str().find("Reason:     no answer within 3.00 s (--request-timeout sets the bound)\n") !=
              std::string::npos);
}

BOOST_AUTO_TEST_CASE(lists_are_probed_only_when_asked) {
  Answer(200, R"({"choices":[{"text":"x"}]})");
  BOOST_REQUIRE_EQUAL(Run({"status"}), 0);
  BOOST_CHECK(Probes().empty());
  BOOST_REQUIRE_EQUAL(Run({"status", "--probe"}), 0);
  BOOST_CHECK_EQUAL(Probes().size(), 1u);
  BOOST_REQUIRE_EQUAL(Run({"status", "fx-pend", "--probe=false"}), 0);
  BOOST_CHECK_EQUAL(Probes().size(), 1u);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// fx-pend's scheduled pod, its server started but not yet Ready (Loading),
// with the kubelet's events of a real vLLM pod's start and the log of a real
// vLLM start stuck downloading its weights (tests/testdata/vllm-logs).
struct LoadingFixture : harness::Harness {
  static constexpr const char* kLog = "/api/v1/namespaces/default/pods/fx-pend-7c9ddd8b65-9r2cd/log";
  LoadingFixture() {
    json::object pod = harness::ScheduledPod();
    json::object& st = pod["status"].as_object();
    for (auto& c : st["conditions"].as_array()) {
      if (c.as_object()["type"].as_string() == "Ready") c.as_object()["status"] = "False";
    }
    st["containerStatuses"].as_array()[0].as_object()["ready"] = false;
    harness::ServeOneReplica(api, pod);
    // The events of a vLLM pod's start on GKE, as `kubectl describe pod`
    // printed them (GoogleCloudPlatform/accelerated-platforms, "Inference at
    // scale"): Scheduled 2m40s ago, Pulling 2m29s, Pulled 2m25s, Started
    // 2m25s; here at those distances from the pod's creation (13:11:11).
    const auto created = *kube::ParseRfc3339("2026-11-28T13:11:11Z");
    auto at = [&](int seconds_after) { return Rfc3339(created + std::chrono::seconds(seconds_after)); };
    const auto started = created + std::chrono::seconds(15);
    json::array events;
    auto event = [&](const char* reason, const std::string& message, const std::string& when) {
      events.push_back(json::object{{"kind", "Event"}, {"reason", reason}, {"message", message},
                                    {"lastTimestamp", when},
                                    {"involvedObject", {{"kind", "Pod"}, {"name", "fx-pend-7c9ddd8b65-9r2cd"}}}});
    };
    event("Scheduled", "Successfully assigned ml-serve/vllm-openai-767b477b77-82l8v to gke-kh-e2e-l4-2-c399c5c0-vvm9", at(0));
    event("Pulling", "Pulling image \"vllm/vllm-openai:v0.5.3.post1\"", at(11));
    event("Pulled", "Successfully pulled image \"vllm/vllm-openai:v0.5.3.post1\" in 4.546s (4.546s including waiting). "
                    "Image size: 5586843591 bytes.", at(15));
    event("Started", "Started container inference-server", at(15));
    api.On("GET", "/api/v1/namespaces/ml/events", 200, harness::ListOf(events));
    // The log, each line at its vLLM time's distance from the first, from the start.
    std::ifstream in(TestdataDir() + "/vllm-logs/stuck-downloading.log");
    std::ostringstream log;
    std::string stamp = Rfc3339(started);
    for (std::string line; std::getline(in, line);) {
      if (auto t = line.find(" 03-22 12:"); t != std::string::npos) {
        const int m = std::stoi(line.substr(t + 10, 2)), sec = std::stoi(line.substr(t + 13, 2));
        stamp = Rfc3339(started + std::chrono::seconds((m - 14) * 60 + sec - 52));
      }
      log << stamp << " " << line << "\n";
    }
    api.On("GET", kLog, 200, log.str());
    // 14 minutes after the last line.
    now = started + std::chrono::seconds(29 + 14 * 60);
  }
  static std::string Rfc3339(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));  // portable: one thread here
    return b;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(status_timeline, LoadingFixture)

// The text with each run of spaces made one: table columns, compared without their widths.
std::string Squeezed(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c != ' ' || o.empty() || o.back() != ' ') o += c;
  }
  return o;
}

BOOST_AUTO_TEST_CASE(a_start_stuck_downloading_says_for_how_long_and_that_the_log_has_not_moved) {
  BOOST_REQUIRE_MESSAGE(Run({"status", "fx-pend"}) == 0, err.str());
  const std::string o = Squeezed(out.str());
  BOOST_CHECK(o.find("Phase: Loading\n") != std::string::npos);
  BOOST_CHECK_MESSAGE(o.find("Reason: download weights for 14m0s\n") != std::string::npos, o);
  BOOST_CHECK(o.find("Start-up of fx-pend-7c9ddd8b65-9r2cd:") != std::string::npos);
  BOOST_CHECK(o.find(" scheduling 0s\n") != std::string::npos);
  BOOST_CHECK(o.find(" image pull 4s 5.6 GB\n") != std::string::npos);
  BOOST_CHECK(o.find(" engine start 29s\n") != std::string::npos);
  BOOST_CHECK_MESSAGE(o.find(" download weights 14m0s+ running; no new log line for 14m0s; vLLM logs no progress "
                             "while it downloads\n") != std::string::npos, o);
  // The log was asked with timestamps, only its start.
  bool asked = false;
  for (const auto& r : api.requests()) {
    asked |= r.target == std::string(kLog) + "?container=server&timestamps=true&limitBytes=262144";
  }
  BOOST_CHECK(asked);
}

BOOST_AUTO_TEST_CASE(json_carries_the_timeline) {
  BOOST_REQUIRE_EQUAL(Run({"status", "fx-pend", "-o", "json"}), 0);
  json::value v = json::parse(out.str());
  const json::object& t = v.at("items").as_array()[0].at("timeline").as_object();
  BOOST_CHECK_EQUAL(t.at("pod").as_string(), "fx-pend-7c9ddd8b65-9r2cd");
  const json::array& steps = t.at("steps").as_array();
  BOOST_REQUIRE_EQUAL(steps.size(), 4u);
  BOOST_CHECK_EQUAL(steps[1].at("name").as_string(), "image pull");
  BOOST_CHECK_EQUAL(steps[1].at("seconds").as_int64(), 4);
  BOOST_CHECK_EQUAL(steps[3].at("name").as_string(), "download weights");
  BOOST_CHECK_EQUAL(steps[3].at("running").as_bool(), true);
  BOOST_CHECK_EQUAL(t.at("logQuietSeconds").as_int64(), 14 * 60);
}

BOOST_AUTO_TEST_CASE(deploy_wait_prints_the_running_step) {
  lm::Deps deps = MakeDeps();
  lm::App app(deps, lm::GlobalOptions{});
  auto client = app.Connect();
  BOOST_REQUIRE(client.ok());
  kube::Status st = lm::WaitForReady(app, **client, "ml", "fx-pend", std::chrono::seconds(4));
  BOOST_CHECK(!st.ok());
  BOOST_CHECK_MESSAGE(err.str().find("fx-pend: Loading: download weights for 14m0s\n") != std::string::npos, err.str());
  // Once: the same step two seconds later is not a new line.
  BOOST_CHECK(err.str().find("download weights for 14m2s") == std::string::npos);
  BOOST_CHECK(st.message().find("is not ready after 4s: Loading: download weights for 14m") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
