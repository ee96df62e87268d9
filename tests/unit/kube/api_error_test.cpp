// Status objects as the API server sends them (captured from kube-apiserver
// v1.36.3 in the e2e cluster), decoded into kubectl's wording.
#include <boost/test/unit_test.hpp>

#include "kube/api_error.h"

using namespace kube;
BOOST_TEST_DONT_PRINT_LOG_VALUE(kube::Kind)

BOOST_AUTO_TEST_SUITE(api_error)

BOOST_AUTO_TEST_CASE(forbidden_keeps_server_message_and_adds_hint) {
  Status s = DecodeApiError(403,
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"nodes \"gpu-0\" is forbidden: User \"system:serviceaccount:default:viewer\" cannot patch resource \"nodes\" in API group \"\" at the cluster scope","reason":"Forbidden","details":{"name":"gpu-0","kind":"nodes"},"code":403})",
      "PATCH /api/v1/nodes/gpu-0");
  BOOST_CHECK_EQUAL(s.kind(), Kind::kForbidden);
  BOOST_CHECK_EQUAL(s.http_code(), 403);
  BOOST_CHECK(s.message().rfind("Error from server (Forbidden): nodes \"gpu-0\" is forbidden: User", 0) == 0);
  BOOST_CHECK(s.message().find("ask a cluster admin") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(not_found_and_already_exists) {
  Status nf = DecodeApiError(404, R"({"kind":"Status","status":"Failure","message":"nodes \"x\" not found","reason":"NotFound","code":404})", "GET /api/v1/nodes/x");
  BOOST_CHECK_EQUAL(nf.message(), "Error from server (NotFound): nodes \"x\" not found");
  BOOST_CHECK_EQUAL(nf.kind(), Kind::kNotFound);
  Status ae = DecodeApiError(409, R"({"kind":"Status","message":"x exists","reason":"AlreadyExists","code":409})", "POST");
  BOOST_CHECK_EQUAL(ae.kind(), Kind::kAlreadyExists);
}

BOOST_AUTO_TEST_CASE(unauthorized_is_worded_like_kubectl) {
  Status s = DecodeApiError(401, R"({"kind":"Status","message":"Unauthorized","reason":"Unauthorized","code":401})", "GET /version");
  BOOST_CHECK_EQUAL(s.kind(), Kind::kUnauthorized);
  BOOST_CHECK(s.message().rfind("You must be logged in to the server (Unauthorized)", 0) == 0);
}

BOOST_AUTO_TEST_CASE(body_that_is_not_a_status_names_what_we_did) {
  Status s = DecodeApiError(502, "<html>bad gateway</html>", "GET /api/v1/nodes");
  BOOST_CHECK_EQUAL(s.message(),
                    "Error from server (InternalError): the server responded with status 502 to GET /api/v1/nodes: "
                    "<html>bad gateway</html>");
  // Not a Status: no RBAC hint, since RBAC did not say no.
  Status page = DecodeApiError(403, "Forbidden by egress policy\n<more>", "POST /x");
  BOOST_CHECK_EQUAL(page.message(), "Error from server (Forbidden): the server responded with status 403 to POST /x: "
                                    "Forbidden by egress policy");
}

BOOST_AUTO_TEST_SUITE_END()
