#include <boost/test/unit_test.hpp>

#include <sstream>

#include "kube/log.h"

using namespace kube;

BOOST_AUTO_TEST_SUITE(logger)

BOOST_AUTO_TEST_CASE(authorization_headers_are_masked) {
  BOOST_CHECK_EQUAL(RedactHeader("Authorization", "Bearer abc.def"), "Bearer <masked>");
  BOOST_CHECK_EQUAL(RedactHeader("authorization", "Basic YTpi"), "Basic <masked>");
  BOOST_CHECK_EQUAL(RedactHeader("Accept", "application/json"), "application/json");
}

BOOST_AUTO_TEST_CASE(secret_data_and_credential_fields_are_masked) {
  std::string secret = RedactBody(R"({"kind":"Secret","metadata":{"name":"hf"},"data":{"token":"aGY="},"stringData":{"x":"hf_abc"}})");
  BOOST_CHECK(secret.find("aGY=") == std::string::npos);
  BOOST_CHECK(secret.find("hf_abc") == std::string::npos);
  BOOST_CHECK(secret.find("\"name\":\"hf\"") != std::string::npos);
  std::string cred = RedactBody(R"({"kind":"ExecCredential","status":{"token":"t0k","clientKeyData":"KEY"}})");
  BOOST_CHECK(cred.find("t0k") == std::string::npos);
  BOOST_CHECK(cred.find("KEY") == std::string::npos);
  std::string env = RedactBody(R"({"spec":{"containers":[{"env":[{"name":"HF_TOKEN","value":"hf_x"},{"name":"A","value":"b"}]}]}})");
  BOOST_CHECK(env.find("hf_x") == std::string::npos);
  BOOST_CHECK(env.find("\"b\"") != std::string::npos);
  BOOST_CHECK(RedactBody("-----BEGIN RSA PRIVATE KEY-----\nabc").find("abc") == std::string::npos);
  BOOST_CHECK_EQUAL(RedactBody("plain text"), "plain text");
}

BOOST_AUTO_TEST_CASE(levels_and_truncation) {
  std::ostringstream out;
  Logger l6(6, &out);
  l6.Info(7, "hidden");
  l6.Info(6, "shown");
  BOOST_CHECK(out.str().find("hidden") == std::string::npos);
  BOOST_CHECK(out.str().find("kube] shown") != std::string::npos);
  Logger l8(8, &out);
  std::string big(5000, 'a');
  BOOST_CHECK_EQUAL(l8.BodyForLog(big).substr(0, 1024), big.substr(0, 1024));
  BOOST_CHECK(l8.BodyForLog(big).find("[truncated 3976 chars]") != std::string::npos);
  BOOST_CHECK_EQUAL(Logger(10, &out).BodyForLog(big), big);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(a_password_in_the_server_url_is_masked) {
  BOOST_CHECK_EQUAL(kube::RedactUrl("https://alice:s3cret@api.example:6443/prefix"), "https://alice:xxxxx@api.example:6443/prefix");
  BOOST_CHECK_EQUAL(kube::RedactUrl("https://alice@api.example:6443"), "https://alice@api.example:6443");
  BOOST_CHECK_EQUAL(kube::RedactUrl("https://api.example:6443/a@b"), "https://api.example:6443/a@b");
}
