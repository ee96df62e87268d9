// kubectl lm delete against a scripted API server: it finds objects by
// kubectl-lm's labels only and deletes each by the uid it listed.
#include <boost/test/unit_test.hpp>

#include "harness.h"

namespace json = boost::json;

namespace {

json::object Listed(const std::string& name, const std::string& uid) {
  return {{"metadata", {{"name", name}, {"namespace", "ml"}, {"uid", uid}}}};
}

struct DeleteFixture : harness::Harness {
  DeleteFixture() {
    api.On("GET", "/apis/apps/v1/namespaces/ml/deployments", 200, harness::ListOf({Listed("phi", "d-1")}));
    api.On("GET", "/api/v1/namespaces/ml/services", 200, harness::ListOf({Listed("phi", "s-1")}));
    api.On("GET", "/api/v1/namespaces/ml/secrets", 200, harness::ListOf({}));
    api.On("GET", "/api/v1/namespaces/ml/persistentvolumeclaims", 200, harness::ListOf({}));
    api.On("GET", "/api/v1/nodes", 200, harness::ListOf({Listed("gpu-0", "n-1")}));
    api.On("DELETE", "*", 200, json::object{{"kind", "Status"}});
    api.On("PATCH", "*", 200, json::object{{"kind", "Node"}});
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(delete_cmd, DeleteFixture)

BOOST_AUTO_TEST_CASE(deletes_by_label_and_uid_then_unlabels) {
  BOOST_REQUIRE_EQUAL(Run({"delete", "phi"}), 0);
  auto calls = api.Calls();
  std::vector<std::string> want = {
      "GET /apis/apps/v1/namespaces/ml/deployments?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubectl-lm%2Ckubectl-lm.io%2Fdeployment%3Dphi&limit=500",
      "GET /api/v1/namespaces/ml/services?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubectl-lm%2Ckubectl-lm.io%2Fdeployment%3Dphi&limit=500",
      "GET /api/v1/namespaces/ml/secrets?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubectl-lm%2Ckubectl-lm.io%2Fdeployment%3Dphi&limit=500",
      "GET /api/v1/namespaces/ml/persistentvolumeclaims?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubectl-lm%2Ckubectl-lm.io%2Fdeployment%3Dphi&limit=500",
      "GET /api/v1/nodes?labelSelector=phi.ml.kubectl-lm.io%2Ffits&limit=500",
      "DELETE /apis/apps/v1/namespaces/ml/deployments/phi",
      "DELETE /api/v1/namespaces/ml/services/phi",
      "PATCH /api/v1/nodes/gpu-0?fieldManager=kubectl-lm"};
  BOOST_CHECK_EQUAL_COLLECTIONS(calls.begin(), calls.end(), want.begin(), want.end());
  BOOST_CHECK_EQUAL(api.WriteBody(0).at("preconditions").at("uid").as_string(), "d-1");
  BOOST_CHECK_EQUAL(api.WriteBody(1).at("preconditions").at("uid").as_string(), "s-1");
  BOOST_CHECK_EQUAL(out.str(), "deployment.apps \"phi\" deleted\nservice \"phi\" deleted\nnode/gpu-0 unlabeled\n");
}

BOOST_AUTO_TEST_CASE(an_object_replaced_since_the_list_is_not_deleted) {
  // The uid precondition fails: the Service of that name is not the one listed.
  api.On("DELETE", "/api/v1/namespaces/ml/services/phi", 409,
         harness::StatusBody(409, "Conflict", "Precondition failed: UID in precondition: s-1, UID in object meta: s-2"));
  BOOST_CHECK_EQUAL(Run({"delete", "phi"}), 1);
  BOOST_CHECK(err.str().find("error: delete service \"phi\": ") == 0);
}

BOOST_AUTO_TEST_CASE(client_dry_run_writes_nothing) {
  BOOST_REQUIRE_EQUAL(Run({"delete", "phi", "--dry-run"}), 0);
  BOOST_CHECK(api.Writes().empty());
  BOOST_CHECK_EQUAL(out.str(), "deployment.apps \"phi\" deleted (dry run)\nservice \"phi\" deleted (dry run)\n"
                               "node/gpu-0 unlabeled (dry run)\n");
}

BOOST_AUTO_TEST_CASE(nothing_found_is_not_found) {
  api.On("GET", "*", 200, harness::ListOf({}));
  BOOST_CHECK_EQUAL(Run({"delete", "phi"}), 1);
  BOOST_CHECK_EQUAL(err.str(), "error: no model deployment \"phi\" in namespace ml: nothing to delete "
                               "(kubectl lm status -A lists them all)\n");
}

BOOST_AUTO_TEST_SUITE_END()
