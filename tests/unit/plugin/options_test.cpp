// ParseArgs is pure: a table of argv -> Invocation.
#include <boost/test/unit_test.hpp>

#include "plugin/options.h"

using namespace lm;

BOOST_AUTO_TEST_SUITE(options)

BOOST_AUTO_TEST_CASE(global_flags_before_or_after_the_command) {
  auto a = ParseArgs({"--context", "kind", "version", "-n", "ml", "--client"});
  BOOST_REQUIRE(a.ok());
  BOOST_CHECK_EQUAL(a->command, "version");
  BOOST_CHECK_EQUAL(a->global.overrides.context, "kind");
  BOOST_CHECK_EQUAL(a->global.overrides.namespace_, "ml");
  BOOST_REQUIRE_EQUAL(a->args.size(), 1u);
  BOOST_CHECK_EQUAL(a->args[0], "--client");

  auto b = ParseArgs({"version", "--kubeconfig=/k", "-nml", "-v=8", "--as", "jane", "--as-group", "g1",
                      "--as-group=g2", "--insecure-skip-tls-verify", "-s", "https://x", "--token=t"});
  BOOST_REQUIRE(b.ok());
  BOOST_CHECK_EQUAL(b->global.kubeconfig, "/k");
  BOOST_CHECK_EQUAL(b->global.overrides.namespace_, "ml");
  BOOST_CHECK_EQUAL(b->global.verbosity, 8);
  BOOST_CHECK_EQUAL(b->global.overrides.as, "jane");
  BOOST_CHECK_EQUAL(b->global.overrides.as_groups.size(), 2u);
  BOOST_CHECK(b->global.overrides.insecure_skip_tls_verify.value());
  BOOST_CHECK_EQUAL(b->global.overrides.server, "https://x");
  BOOST_CHECK_EQUAL(b->global.overrides.token, "t");
  BOOST_CHECK(b->args.empty());
}

BOOST_AUTO_TEST_CASE(command_flags_stay_in_order_and_double_dash_ends_flags) {
  auto a = ParseArgs({"deploy", "--replicas", "2", "phi-3-mini", "--", "-weird"});
  BOOST_REQUIRE(a.ok());
  BOOST_CHECK_EQUAL(a->command, "deploy");
  std::vector<std::string> want{"--replicas", "2", "phi-3-mini", "-weird"};
  BOOST_CHECK_EQUAL_COLLECTIONS(a->args.begin(), a->args.end(), want.begin(), want.end());
}

BOOST_AUTO_TEST_CASE(bad_values_are_one_line_errors) {
  BOOST_CHECK_EQUAL(ParseArgs({"version", "--context"}).status().message(),
                    "flag needs an argument: --context (see kubectl lm help)");
  BOOST_CHECK(!ParseArgs({"-v", "x"}).ok());
  BOOST_CHECK(!ParseArgs({"--request-timeout=soon"}).ok());
  BOOST_CHECK(!ParseArgs({"--insecure-skip-tls-verify=maybe"}).ok());
}

BOOST_AUTO_TEST_CASE(request_timeout_forms) {
  using std::chrono::milliseconds;
  BOOST_CHECK(*ParseTimeout("5") == milliseconds(5000));
  BOOST_CHECK(*ParseTimeout("0") == milliseconds(0));
  BOOST_CHECK(*ParseTimeout("1m30s") == milliseconds(90000));
  BOOST_CHECK(*ParseTimeout("250ms") == milliseconds(250));
  BOOST_CHECK(*ParseTimeout("1.5h") == milliseconds(5400000));
  BOOST_CHECK(!ParseTimeout("5x").ok());
  BOOST_CHECK(!ParseTimeout("").ok());
}

BOOST_AUTO_TEST_SUITE_END()
