// The exec credential protocol, with the real process runner and a test
// plugin (tests/unit/tools/exec_plugin.cpp) that checks the
// KUBERNETES_EXEC_INFO it receives.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "kube/exec_credential.h"
#include "kube/printable.h"
#include "testdata.h"

using namespace kube;
using namespace std::chrono;

namespace {

const std::string kPlugin = TestExecPlugin();

ExecConfig Plugin(std::vector<std::pair<std::string, std::string>> env, std::string api = "client.authentication.k8s.io/v1") {
  ExecConfig e;
  e.command = kPlugin;
  e.api_version = api;
  e.interactive_mode = "Never";
  e.env = std::move(env);
  return e;
}

struct FakeClock {
  system_clock::time_point now = system_clock::from_time_t(1'800'000'000);
  Clock fn() { return [this] { return now; }; }
};

int Lines(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exec_credential)

BOOST_AUTO_TEST_CASE(sends_exec_info_and_reads_token) {
  RealProcessRunner runner;
  FakeClock clock;
  auto exec = Plugin({{"PLUGIN_TOKEN", "tok-1"},
                      {"EXPECT_INFO", R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}})"}});
  ExecProvider p(exec, "", &runner, ProcessEnviron(), clock.fn(), false);
  auto c = p.Get();
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().message());
  BOOST_CHECK_EQUAL(c->token, "tok-1");
  BOOST_CHECK(!c->expiry.has_value());
}

BOOST_AUTO_TEST_CASE(provides_cluster_info_only_when_asked) {
  RealProcessRunner runner;
  FakeClock clock;
  auto exec = Plugin({{"PLUGIN_TOKEN", "t"},
                      {"EXPECT_INFO", R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","spec":{"interactive":false,"cluster":{"server":"https://x:1","certificate-authority-data":"Q0E="}}})"}},
                     "client.authentication.k8s.io/v1beta1");
  exec.provide_cluster_info = true;
  ExecProvider p(exec, R"({"server":"https://x:1","certificate-authority-data":"Q0E="})", &runner, ProcessEnviron(),
                 clock.fn(), false);
  auto c = p.Get();
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().message());
  BOOST_CHECK_EQUAL(c->token, "t");
}

BOOST_AUTO_TEST_CASE(returns_client_certificate) {
  RealProcessRunner runner;
  FakeClock clock;
  std::string dir = std::filesystem::temp_directory_path().string();
  std::ofstream(dir + "/lm-test.crt", std::ios::binary) << "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  std::ofstream(dir + "/lm-test.key", std::ios::binary) << "-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n";
  ExecProvider p(Plugin({{"PLUGIN_CERT_FILE", dir + "/lm-test.crt"}, {"PLUGIN_KEY_FILE", dir + "/lm-test.key"}}), "",
                 &runner, ProcessEnviron(), clock.fn(), false);
  auto c = p.Get();
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().message());
  BOOST_CHECK(c->token.empty());
  BOOST_CHECK_EQUAL(c->client_cert_pem, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----");
  BOOST_CHECK(c->client_key_pem.find("BEGIN PRIVATE KEY") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(caches_until_expiry_then_runs_again) {
  RealProcessRunner runner;
  FakeClock clock;
  std::string count = (std::filesystem::temp_directory_path() / "lm-exec-count").string();
  std::remove(count.c_str());
  // 1'800'000'000 is 2027-01-15T08:00:00Z; the credential expires an hour later.
  ExecProvider p(Plugin({{"PLUGIN_TOKEN", "t"}, {"PLUGIN_EXPIRY", "2027-01-15T09:00:00Z"}, {"PLUGIN_COUNT_FILE", count}}),
                 "", &runner, ProcessEnviron(), clock.fn(), false);
  BOOST_REQUIRE(p.Get().ok());
  BOOST_REQUIRE(p.Get().ok());
  BOOST_CHECK_EQUAL(Lines(count), 1);
  clock.now += minutes(59);
  BOOST_REQUIRE(p.Get().ok());
  BOOST_CHECK_EQUAL(Lines(count), 1);
  clock.now += minutes(2);
  BOOST_REQUIRE(p.Get().ok());
  BOOST_CHECK_EQUAL(Lines(count), 2);
  p.Invalidate();  // what the client does after a 401
  BOOST_REQUIRE(p.Get().ok());
  BOOST_CHECK_EQUAL(Lines(count), 3);
}

BOOST_AUTO_TEST_CASE(missing_plugin_prints_install_hint_on_one_line) {
  RealProcessRunner runner;
  FakeClock clock;
  ExecConfig e = Plugin({});
  e.command = "kubelogin-not-installed";
  e.install_hint = "install kubelogin:\n  az aks install-cli";
  ExecProvider p(e, "", &runner, ProcessEnviron(), clock.fn(), false);
  auto c = p.Get();
  BOOST_REQUIRE(!c.ok());
  BOOST_CHECK_EQUAL(c.status().message(),
                    "exec: executable kubelogin-not-installed not found: install kubelogin:   az aks install-cli");
}

BOOST_AUTO_TEST_CASE(failing_plugin_and_wrong_api_version) {
  RealProcessRunner runner;
  FakeClock clock;
  ExecProvider bad(Plugin({{"EXPECT_INFO", "something else"}}), "", &runner, ProcessEnviron(), clock.fn(), false);
  BOOST_CHECK_EQUAL(bad.Get().status().message(), "exec: executable " + kPlugin + " failed with exit code 3");
  ExecProvider old(Plugin({}, "client.authentication.k8s.io/v1alpha1"), "", &runner, ProcessEnviron(), clock.fn(), false);
  BOOST_CHECK(old.Get().status().message().find("invalid apiVersion") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(always_interactive_needs_a_terminal) {
  RealProcessRunner runner;
  FakeClock clock;
  ExecConfig e = Plugin({{"PLUGIN_TOKEN", "t"}});
  e.interactive_mode = "Always";
  ExecProvider p(e, "", &runner, ProcessEnviron(), clock.fn(), false);
  BOOST_CHECK(p.Get().status().message().find("standard input is not a terminal") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(parse_checks_output) {
  ExecConfig e = Plugin({});
  BOOST_CHECK(!ParseExecCredential(e, "not json").ok());
  BOOST_CHECK(!ParseExecCredential(e, R"({"apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"x"}})").ok());
  BOOST_CHECK(!ParseExecCredential(e, R"({"apiVersion":"client.authentication.k8s.io/v1"})").ok());
  BOOST_CHECK(!ParseExecCredential(e, R"({"apiVersion":"client.authentication.k8s.io/v1","status":{}})").ok());
  BOOST_CHECK(!ParseExecCredential(e, R"({"apiVersion":"client.authentication.k8s.io/v1","status":{"clientCertificateData":"x"}})").ok());
  auto ok = ParseExecCredential(e, R"({"apiVersion":"client.authentication.k8s.io/v1","status":{"token":"x","expirationTimestamp":"2026-11-28T12:00:00.5+01:00"}})");
  BOOST_REQUIRE(ok.ok());
  BOOST_CHECK(*ok->expiry == system_clock::from_time_t(1795863600));  // 11:00:00Z
}

// Regression: a plugin that never exits blocked kubectl-lm forever, and
// one that writes without end filled its memory.
BOOST_AUTO_TEST_CASE(a_plugin_that_hangs_is_killed_at_its_timeout) {
  RealProcessRunner runner;
  FakeClock clock;
  ExecConfig e = Plugin({{"PLUGIN_HANG", "30"}});
  ExecProvider p(e, "", &runner, ProcessEnviron(), clock.fn(), false, std::chrono::milliseconds(300));
  auto start = std::chrono::steady_clock::now();
  auto c = p.Get();
  BOOST_REQUIRE(!c.ok());
  BOOST_CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  BOOST_CHECK_EQUAL(c.status().message(), "exec: executable " + kPlugin + " did not finish within 300 ms "
                                          "(set KUBECTL_LM_EXEC_TIMEOUT to wait longer)");
}

BOOST_AUTO_TEST_CASE(a_plugin_that_writes_without_end_is_cut_off) {
  RealProcessRunner runner;
  FakeClock clock;
  ExecConfig e = Plugin({{"PLUGIN_FLOOD", "1"}});
  ExecProvider p(e, "", &runner, ProcessEnviron(), clock.fn(), false);
  auto c = p.Get();
  BOOST_REQUIRE(!c.ok());
  BOOST_CHECK_EQUAL(c.status().message(), "exec: executable " + kPlugin + " wrote more than 1 MiB to stdout");
}

BOOST_AUTO_TEST_SUITE_END()

// client-go's TestCleanANSIEscapeCodes (tools/clientcmd/client_config_test.go
// at v0.36.3), case by case; kubectl-lm differs only where it makes the hint
// one line (space characters become spaces; see OneLine).
BOOST_AUTO_TEST_CASE(install_hints_are_cleaned_as_client_go_cleans_them) {
  struct Case { const char* name; std::string in, out; };
  const Case cases[] = {
      {"DenyBoldCharacters", "\x1b[1mbold tuna\x1b[0m, fish, \x1b[1mbold marlin\x1b[0m",
       "U+001B[1mbold tunaU+001B[0m, fish, U+001B[1mbold marlinU+001B[0m"},
      {"DenyCursorNavigation", "\x1b[2Aup up, \x1b[2Cright right", "U+001B[2Aup up, U+001B[2Cright right"},
      {"DenyClearScreen", "clear: \x1b[2J", "clear: U+001B[2J"},
      {"AllowSpaceCharactersUnchanged", "tuna\nfish\r\nmarlin\t\r\ntuna\vfish\fmarlin",
       "tuna\nfish\r\nmarlin\t\r\ntuna\vfish\fmarlin"},
      {"AllowLetters", "alpha: \u03b1, beta: \u03b2, gamma: \u03b3", ""},
      {"AllowMarks", "tu\u0301na with a mark over the u, fi\u0302sh with a mark over the i, ma\u030Arlin with a mark over the a", ""},
      {"AllowNumbers", "t1na, f2sh, m3rlin, t12a, f34h, m56lin, t123, f456, m567n", ""},
      {"AllowPunctuation", "\"here's a sentence; with! some...punctuation ;)\"", ""},
      {"AllowSymbols", "\u222b\u2081\u207F f(x) dx \u2248 \u2211\u2090\u208C\u2081\u207F f(x), a \u2208 \u2115, n \u2208 \u2115", ""},
      {"AllowSepatators", "here is a paragraph separator\u2029and here\u2003are\u2003some\u2003em\u2003spaces", ""},
      {"DenyC1Controls", "csi: \xc2\x9b" "2J", "csi: U+009B2J"},  // not in client-go's table; the same rule
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) { BOOST_CHECK_EQUAL(kube::CleanControlCodes(c.in), c.out.empty() ? c.in : c.out); }
  }
}
