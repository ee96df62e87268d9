// kubectl lm chat against a scripted API server: the prompt from
// arguments or the injected stdin, the reply streamed from SSE.
#include <boost/test/unit_test.hpp>

#include "harness.h"

namespace json = boost::json;

namespace {

const char kProxy[] = "/api/v1/namespaces/ml/services/phi:http/proxy/v1/chat/completions";

struct ChatFixture : harness::Harness {
  ChatFixture() {
    api.On("GET", "/apis/apps/v1/namespaces/ml/deployments/phi", 200,
           json::object{{"kind", "Deployment"},
                        {"metadata", {{"name", "phi"}, {"labels", {{"app.kubernetes.io/managed-by", "kubectl-lm"},
                                                                   {"kubectl-lm.io/deployment", "phi"},
                                                                   {"kubectl-lm.io/model", "phi-3-mini-4k"}}}}}});
    // Two deltas and the end, as vLLM streams them.
    api.On("POST", kProxy, 200,
           std::string("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                       "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\ndata: [DONE]\n\n"));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(chat_cmd, ChatFixture)

BOOST_AUTO_TEST_CASE(prompt_from_stdin_when_not_a_terminal) {
  in.str("what is a GPU?\n");
  BOOST_REQUIRE_EQUAL(Run({"chat", "phi"}), 0);
  BOOST_CHECK_EQUAL(out.str(), "Hello\n");
  json::value body = api.WriteBody(0);
  BOOST_CHECK_EQUAL(body.at("model").as_string(), "phi-3-mini-4k");
  BOOST_CHECK_EQUAL(body.at("messages").at(0).at("content").as_string(), "what is a GPU?\n");
  BOOST_CHECK(body.at("stream").as_bool());
}

BOOST_AUTO_TEST_CASE(a_conversation_on_a_terminal_ends_at_an_empty_line) {
  stdin_is_terminal = true;
  in.str("first\nsecond\n\n");
  BOOST_REQUIRE_EQUAL(Run({"chat", "phi"}), 0);
  BOOST_CHECK_EQUAL(out.str(), "Hello\nHello\n");
  // The second question carries the first exchange.
  json::array messages = api.WriteBody(1).at("messages").as_array();
  BOOST_REQUIRE_EQUAL(messages.size(), 3u);
  BOOST_CHECK_EQUAL(messages[1].at("role").as_string(), "assistant");
  BOOST_CHECK_EQUAL(messages[1].at("content").as_string(), "Hello");
}

BOOST_AUTO_TEST_CASE(empty_stdin_is_an_error_without_a_request) {
  BOOST_CHECK_EQUAL(Run({"chat", "phi"}), 1);
  BOOST_CHECK_EQUAL(err.str(), "error: no prompt: give one as an argument or on standard input\n");
  BOOST_CHECK(api.Writes().empty());
}

BOOST_AUTO_TEST_CASE(a_deployment_not_made_by_deploy_is_refused) {
  api.On("GET", "/apis/apps/v1/namespaces/ml/deployments/phi", 200,
         json::object{{"kind", "Deployment"}, {"metadata", {{"name", "phi"}, {"labels", {{"kubectl-lm.io/model", "x"}}}}}});
  BOOST_CHECK_EQUAL(Run({"chat", "phi", "hi"}), 1);
  BOOST_CHECK(api.Writes().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(chat_limits, ChatFixture)

// Regression: a 512 MiB line without a newline grew to 1 GB in memory.
BOOST_AUTO_TEST_CASE(an_endless_event_line_is_cut_off) {
  api.On("POST", kProxy, 200, std::string("data: ") + std::string(3u << 20, 'x'));
  BOOST_CHECK_EQUAL(Run({"chat", "phi", "hi"}), 1);
  BOOST_CHECK_EQUAL(err.str(), "error: chat with phi: the model server sent an event line longer than 1024 KiB; "
                               "stopped reading\n");
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

const char kForward[] = "/api/v1/namespaces/ml/pods/phi-7d9f-abcde/portforward";

// phi's endpoint requires the key in Secret phi-key (deploy --api-key-secret).
struct KeyedChatFixture : ChatFixture {
  KeyedChatFixture() {
    json::object dep{
        {"kind", "Deployment"},
        {"metadata", {{"name", "phi"}, {"labels", {{"app.kubernetes.io/managed-by", "kubectl-lm"},
                                                   {"kubectl-lm.io/deployment", "phi"},
                                                   {"kubectl-lm.io/model", "phi-3-mini-4k"}}}}},
        {"spec", {{"template", {{"spec", {{"containers", json::array{json::object{
                      {"name", "server"},
                      {"env", json::array{json::object{
                                  {"name", "VLLM_API_KEY"},
                                  {"valueFrom", {{"secretKeyRef", {{"name", "phi-key"}, {"key", "api-key"}}}}}}}}}}}}}}}}}};
    api.On("GET", "/apis/apps/v1/namespaces/ml/deployments/phi", 200, dep);
    // base64("s3cret-key")
    api.On("GET", "/api/v1/namespaces/ml/secrets/phi-key", 200,
           json::object{{"kind", "Secret"}, {"data", {{"api-key", "czNjcmV0LWtleQ=="}}}});
    json::object ready{{"metadata", {{"name", "phi-7d9f-abcde"}}},
                       {"status", {{"conditions", json::array{json::object{{"type", "Ready"}, {"status", "True"}}}}}}};
    json::object starting{{"metadata", {{"name", "phi-7d9f-zzzzz"}}},
                          {"status", {{"conditions", json::array{json::object{{"type", "Ready"}, {"status", "False"}}}}}}};
    api.On("GET", "/api/v1/namespaces/ml/pods", 200, harness::ListOf({starting, ready}));
    api.On("GET", kForward, 101, std::string());
    api.On("POST", "pod/phi-7d9f-abcde:8000/v1/chat/completions", 200,
           std::string("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n"));
  }
  // The headers of the request that reached the pod.
  const kube::Headers& PodHeaders() const {
    for (const auto& r : api.requests()) {
      if (r.target.rfind("pod/", 0) == 0) return r.headers;
    }
    static const kube::Headers none;
    return none;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(chat_with_a_key, KeyedChatFixture)

// The proxies would strip Authorization: the request goes to a Ready pod
// through a port-forward, with the key from the Secret.
BOOST_AUTO_TEST_CASE(the_key_goes_to_a_ready_pod_through_a_port_forward) {
  BOOST_REQUIRE_EQUAL(Run({"chat", "phi", "hi", "-v=10"}), 0);
  BOOST_CHECK_EQUAL(out.str(), "Hi\n");
  bool bearer = false;
  for (const auto& [k, v] : PodHeaders()) bearer |= k == "Authorization" && v == "Bearer s3cret-key";
  BOOST_CHECK(bearer);
  for (const auto& c : api.Calls()) BOOST_CHECK(c.find("/proxy/") == std::string::npos);
  BOOST_CHECK_EQUAL(api.WriteBody(0).at("messages").at(0).at("content").as_string(), "hi");
  // Never in the output or the log, at any verbosity.
  BOOST_CHECK(err.str().find("s3cret") == std::string::npos);
  BOOST_CHECK(out.str().find("s3cret") == std::string::npos);
  BOOST_CHECK(err.str().find("forwarded to port 8000") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_refused_key_is_the_servers_answer) {
  api.On("POST", "pod/phi-7d9f-abcde:8000/v1/chat/completions", 401, std::string("{\"error\":\"Unauthorized\"}"));
  BOOST_CHECK_EQUAL(Run({"chat", "phi", "hi"}), 1);
  BOOST_CHECK_EQUAL(err.str(), "error: chat with phi: the model server in pod phi-7d9f-abcde answered HTTP 401: "
                               "{\"error\":\"Unauthorized\"} (it holds another key than the Secret now does: it "
                               "reads the Secret when it starts)\n");
  BOOST_CHECK(err.str().find("s3cret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_secret_the_user_may_not_read_says_so) {
  api.On("GET", "/api/v1/namespaces/ml/secrets/phi-key", 403,
         harness::StatusBody(403, "Forbidden", "secrets \"phi-key\" is forbidden"));
  BOOST_CHECK_EQUAL(Run({"chat", "phi", "hi"}), 1);
  BOOST_CHECK_EQUAL(err.str(), "error: chat with phi: phi's endpoint requires the key in secret phi-key, which you "
                               "may not read (ask for get on secrets in namespace ml)\n");
  BOOST_CHECK(api.Writes().empty());
}

BOOST_AUTO_TEST_CASE(no_ready_pod_is_refused_before_a_forward) {
  api.On("GET", "/api/v1/namespaces/ml/pods", 200, harness::ListOf({}));
  BOOST_CHECK_EQUAL(Run({"chat", "phi", "hi"}), 1);
  BOOST_CHECK(err.str().find("phi has no ready pod to answer (kubectl lm status phi says why)") != std::string::npos);
  for (const auto& c : api.Calls()) BOOST_CHECK(c.find("portforward") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_refused_forward_is_an_api_error) {
  api.On("GET", kForward, 403,
         harness::StatusBody(403, "Forbidden", "pods \"phi-7d9f-abcde\" is forbidden: User \"u\" cannot create resource \"pods/portforward\""));
  BOOST_CHECK_EQUAL(Run({"chat", "phi", "hi"}), 1);
  BOOST_CHECK(err.str().find("cannot create resource \"pods/portforward\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
