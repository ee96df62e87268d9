// The Hugging Face Hub's answers, read: refusals by status, sizes from the
// safetensors metadata. The response bodies are shaped as the Hub's
// /api/models/REPO answers (fields id, gated, safetensors.parameters by
// dtype and safetensors.total, as huggingface_hub's ModelInfo reads them).
#include <boost/test/unit_test.hpp>

#include "plugin/hub.h"

using namespace lm;

BOOST_AUTO_TEST_SUITE(hub)

BOOST_AUTO_TEST_CASE(sizes_come_from_the_safetensors_parameters_by_dtype) {
  auto m = ReadHubModel(200,
                        R"({"id":"org/m","gated":false,"safetensors":{"parameters":{"BF16":1000000000,"F32":1000},"total":1000001000}})",
                        "org/m", kDefaultHubEndpoint, false);
  BOOST_REQUIRE(m.ok());
  BOOST_CHECK(!m->gated);
  BOOST_REQUIRE(m->weights_gib);
  BOOST_CHECK_CLOSE(*m->weights_gib, (2e9 + 4000) / (1024.0 * 1024 * 1024), 1e-9);
  BOOST_CHECK_CLOSE(*m->params_b, 1.000001, 1e-9);
  auto gated = ReadHubModel(200, R"({"id":"org/m","gated":"manual"})", "org/m", kDefaultHubEndpoint, true);
  BOOST_REQUIRE(gated.ok());
  BOOST_CHECK(gated->gated);
  BOOST_CHECK(!gated->weights_gib);
  // An unknown dtype leaves the size unknown rather than wrong.
  auto odd = ReadHubModel(200, R"({"safetensors":{"parameters":{"X9":5}}})", "org/m", kDefaultHubEndpoint, true);
  BOOST_REQUIRE(odd.ok());
  BOOST_CHECK(!odd->weights_gib);
}

BOOST_AUTO_TEST_CASE(each_refusal_is_one_line_that_says_which_and_what_to_do) {
  auto r404 = ReadHubModel(404, "", "org/typo", kDefaultHubEndpoint, true);
  BOOST_CHECK_EQUAL(r404.status().message(),
                    "the Hugging Face Hub has no model org/typo (404): check the repo id; nothing was changed");
  auto r401 = ReadHubModel(401, "", "org/m", kDefaultHubEndpoint, true);
  BOOST_CHECK_EQUAL(r401.status().message(),
                    "the Hugging Face Hub refused the token for org/m (401): it is invalid or expired; make a new one "
                    "at https://huggingface.co/settings/tokens; nothing was changed");
  // Without a token the Hub answers 401 for a repo it does not show.
  auto anon = ReadHubModel(401, "", "org/m", kDefaultHubEndpoint, false);
  BOOST_CHECK(anon.status().kind() == kube::Kind::kNotFound);
  auto r403 = ReadHubModel(403, "", "meta-llama/Llama-3.3-70B-Instruct", "https://hub.example", true);
  BOOST_CHECK_EQUAL(r403.status().message(),
                    "the token may not read meta-llama/Llama-3.3-70B-Instruct (403): request access on "
                    "https://hub.example/meta-llama/Llama-3.3-70B-Instruct (a licence or a contact form) and wait "
                    "until it is granted, or give the token read access to gated repos; nothing was changed");
  for (const auto& r : {r404, r401, anon, r403}) {
    BOOST_CHECK(r.status().message().find('\n') == std::string::npos);
  }
  // A server error is not a refusal: the caller warns and goes on.
  BOOST_CHECK(ReadHubModel(502, "", "org/m", kDefaultHubEndpoint, true).status().kind() == kube::Kind::kConnection);
}

BOOST_AUTO_TEST_CASE(a_gated_repos_files_say_whether_the_token_was_granted) {
  BOOST_CHECK(ReadHubFileAccess(200, "org/m", kDefaultHubEndpoint, true).ok());
  BOOST_CHECK(ReadHubFileAccess(302, "org/m", kDefaultHubEndpoint, true).ok());
  BOOST_CHECK(ReadHubFileAccess(403, "org/m", kDefaultHubEndpoint, true).kind() == kube::Kind::kForbidden);
  BOOST_CHECK(ReadHubFileAccess(401, "org/m", kDefaultHubEndpoint, false).message().find("is gated (403): request access") !=
              std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
