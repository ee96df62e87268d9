#include <boost/test/unit_test.hpp>

#include <sstream>

#include "harness.h"
#include "plugin/app.h"
#include "plugin/deploy.h"

using namespace lm;

namespace {
struct Ran {
  int code;
  std::string out, err;
};
Ran RunArgs(std::vector<std::string> args) {
  harness::Harness h;
  int code = h.Run(args);
  return {code, h.out.str(), h.err.str()};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(app)

BOOST_AUTO_TEST_CASE(unknown_command_suggests_the_nearest) {
  auto r = RunArgs({"verison"});
  BOOST_CHECK_EQUAL(r.code, 1);
  BOOST_CHECK_EQUAL(r.err, "error: unknown command \"verison\" for \"kubectl lm\"; did you mean \"version\"? (see kubectl lm help)\n");
  BOOST_CHECK_EQUAL(Suggest("zzzzzz"), "");
}

BOOST_AUTO_TEST_CASE(help_lists_every_command) {
  auto r = RunArgs({});
  BOOST_CHECK_EQUAL(r.code, 0);
  for (const Command& c : Commands()) BOOST_CHECK(r.out.find(std::string("  ") + c.name) != std::string::npos);
  BOOST_CHECK(r.out.find("kubectl lm COMMAND") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(client_version_needs_no_cluster) {
  auto r = RunArgs({"version", "--client"});
  BOOST_CHECK_EQUAL(r.code, 0);
  BOOST_CHECK_EQUAL(r.out, "Client Version: v0.1.0\nDefault Image: " + DefaultImage() + "\n");
  auto j = RunArgs({"version", "--client", "-o", "json"});
  BOOST_CHECK(j.out.find("\"gitVersion\": \"v0.1.0\"") != std::string::npos);
  auto bad = RunArgs({"version", "--client", "-o", "xml"});
  BOOST_CHECK_EQUAL(bad.code, 1);
  BOOST_CHECK_EQUAL(bad.err, "error: unable to match a printer suitable for the output format \"xml\", allowed formats are: json, yaml (see kubectl lm help version)\n");
}

BOOST_AUTO_TEST_CASE(the_default_image_is_pullable_without_a_release_of_ours) {
  // Pinned by digest, and not an image only a release of ours would push.
  BOOST_CHECK(DefaultImage().find("@sha256:") != std::string::npos);
  BOOST_CHECK(DefaultImage().rfind("ghcr.io/kubectl-lm/", 0) != 0);
  BOOST_CHECK(DefaultImage().rfind("docker.io/vllm/vllm-openai:", 0) == 0);
}

BOOST_AUTO_TEST_CASE(missing_kubeconfig_is_one_line) {
  auto r = RunArgs({"version", "--kubeconfig", "/nonexistent/kubeconfig"});
  BOOST_CHECK_EQUAL(r.code, 1);
  BOOST_CHECK_EQUAL(r.out, "Client Version: v0.1.0\nDefault Image: " + DefaultImage() + "\n");
  BOOST_CHECK_EQUAL(r.err, "error: stat /nonexistent/kubeconfig: no such file or directory (check --kubeconfig)\n");
}

BOOST_AUTO_TEST_SUITE_END()
