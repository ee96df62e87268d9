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
