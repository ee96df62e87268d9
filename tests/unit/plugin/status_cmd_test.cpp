// kubectl lm status against a scripted API server answering with objects
// captured from the e2e cluster (tests/testdata).
#include <boost/test/unit_test.hpp>

#include "harness.h"

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
  ReadyFixture() {
    json::value d = harness::Testdata("deployment-pending.json");
    d.at("spec").as_object()["replicas"] = 1;
    api.On("GET", "/apis/apps/v1/namespaces/ml/deployments", 200, harness::ListOf({d}));
    json::array pods;
    const json::value pending = harness::Testdata("pods-pending.json");  // kept alive: the loop walks into it
    for (const auto& p : pending.at("items").as_array()) {
      if (p.at("spec").as_object().contains("nodeName")) pods.push_back(p);
    }
    api.On("GET", "/api/v1/namespaces/ml/pods", 200, harness::ListOf(pods));
    api.On("GET", "/api/v1/namespaces/ml/events", 200, harness::ListOf({}));
  }
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
