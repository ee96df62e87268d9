// The flag tables: every flag a command's parser accepts is completed and
// listed in its help, and the parser accepts nothing outside its table.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "harness.h"
#include "plugin/app.h"
#include "plugin/completion.h"
#include "plugin/flags.h"
#include "plugin/options.h"

using namespace lm;

namespace {

bool Has(const std::vector<std::string>& lines, const std::string& want) {
  return std::find(lines.begin(), lines.end(), want) != lines.end();
}

// A value the flag takes without complaint.
std::string GoodValue(const FlagInfo& f) {
  if (!f.choices.empty()) return f.choices.front();
  if (f.name == "timeout" || f.name == "request-timeout") return "5s";
  if (f.name == "gpu-memory-utilization") return "0.5";
  if (f.name == "cache-size") return "10Gi";
  if (f.name == "max-num-batched-tokens") return "2048";
  if (f.name == "lora") return "sql=org/sql-lora";
  if (f.name == "v") return "0";
  if (f.name == "as-user-extra") return "scopes=view";
  return "1";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(flags)

BOOST_AUTO_TEST_CASE(every_command_flag_is_parsed_completed_and_documented) {
  for (const Command& c : Commands()) {
    harness::Harness help;
    BOOST_REQUIRE_EQUAL(help.Run({"help", c.name}), 0);
    for (const FlagInfo& f : c.flags) {
      BOOST_TEST_CONTEXT(c.name << " --" << f.name) {
        BOOST_CHECK(Has(Complete({c.name}, "--" + f.name, {}), "--" + f.name));
        BOOST_CHECK(help.out.str().find("--" + f.name + (f.implicit.empty() ? " " : "[=")) != std::string::npos);
        harness::Harness run;
        std::vector<std::string> args{c.name, "--" + f.name};
        if (f.takes_value()) args.push_back(GoodValue(f));
        run.Run(args);
        BOOST_CHECK_MESSAGE(run.err.str().find("unknown flag") == std::string::npos, run.err.str());
        BOOST_CHECK_MESSAGE(run.err.str().find("invalid --" + f.name) == std::string::npos, run.err.str());
        if (f.short_name) BOOST_CHECK(help.out.str().find(std::string("-") + f.short_name + ", --" + f.name) != std::string::npos);
      }
    }
    // And nothing else: the parser reads only the table.
    harness::Harness bogus;
    BOOST_CHECK_EQUAL(bogus.Run({c.name, "--no-such-flag"}), 1);
    BOOST_CHECK(bogus.err.str().find("unknown flag \"--no-such-flag\"") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(every_global_flag_is_parsed_completed_and_documented) {
  harness::Harness help;
  BOOST_REQUIRE_EQUAL(help.Run({"help"}), 0);
  for (const FlagInfo& f : GlobalFlags()) {
    BOOST_TEST_CONTEXT("--" << f.name) {
      for (const char* command : {"deploy", "status"}) {
        BOOST_CHECK(Has(Complete({command}, "--" + f.name, {}), "--" + f.name));
      }
      BOOST_CHECK(help.out.str().find("--" + f.name) != std::string::npos);
      std::vector<std::string> args{"nodes", "--" + f.name};
      if (f.takes_value()) args.push_back(GoodValue(f));
      auto inv = ParseArgs(args);
      BOOST_REQUIRE_MESSAGE(inv.ok(), inv.status().message());
      BOOST_CHECK(inv->args.empty());  // taken as global, not left for the command
    }
  }
}

BOOST_AUTO_TEST_CASE(a_value_flag_completes_its_choices_and_a_short_form_its_value) {
  auto lines = Complete({"status", "-o"}, "", {});
  BOOST_CHECK(Has(lines, "json") && Has(lines, "wide"));
  // --dry-run's value is optional, so the next word is not its value.
  auto after = Complete({"delete", "--dry-run"}, "", {});
  BOOST_CHECK_EQUAL(after.size(), 1u);
}

BOOST_AUTO_TEST_CASE(help_for_a_command_lists_one_line_per_flag) {
  harness::Harness a, b;
  BOOST_REQUIRE_EQUAL(a.Run({"help", "deploy"}), 0);
  BOOST_REQUIRE_EQUAL(b.Run({"deploy", "--help"}), 0);
  BOOST_CHECK_EQUAL(a.out.str(), b.out.str());
  BOOST_CHECK(a.out.str().find("  -o, --output FORMAT ") != std::string::npos);
  BOOST_CHECK(a.out.str().find("      --hf-token-from-env ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(numbers_are_range_checked_where_parsed) {
  // 2^32 once became 0 in an int and a division by it killed the process.
  auto o = ParseArgs({"models", "x/y", "--kv-heads", "4294967296"});
  BOOST_REQUIRE(o.ok());
  harness::Harness h;
  BOOST_CHECK_EQUAL(h.Run({"models", "org/m", "--kv-heads", "4294967296"}), 1);
  BOOST_CHECK(h.err.str().find("invalid --kv-heads \"4294967296\"") != std::string::npos);
  harness::Harness r;
  BOOST_CHECK_EQUAL(r.Run({"deploy", "phi-3-mini", "--replicas", "2147483648"}), 1);
  BOOST_CHECK(r.err.str().find("invalid --replicas") != std::string::npos);
  BOOST_CHECK(!ParseTimeout(".s").ok());
  BOOST_CHECK(!ParseTimeout("99999999999999999999").ok());
  BOOST_CHECK(ParseTimeout("1m30s").ok() && *ParseTimeout("1m30s") == std::chrono::seconds(90));
  BOOST_CHECK(!ParseArgs({"-v", "99999999999"}).ok());
}

// client-go's TestNamespacePrefixStrip (tools/clientcmd/overrides_test.go)
// tests clientcmd's BindOverrideFlags, which strips "ns/" from -n. kubectl
// binds its flags with genericclioptions.ConfigFlags instead and refuses
// "-n ns/foo" (kubeconfig_parity_test.sh shows it); so do we.
BOOST_AUTO_TEST_CASE(namespace_prefix_is_not_stripped_as_kubectl) {
  auto inv = ParseArgs({"status", "-n", "ns/foo"});
  BOOST_REQUIRE(inv.ok());
  BOOST_CHECK_EQUAL(inv->global.overrides.namespace_, "ns/foo");
  harness::Harness h;
  BOOST_CHECK_NE(h.Run({"status", "-n", "ns/foo"}), 0);
  BOOST_CHECK(h.err.str().find("invalid namespace \"ns/foo\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
