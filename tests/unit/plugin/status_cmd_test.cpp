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
