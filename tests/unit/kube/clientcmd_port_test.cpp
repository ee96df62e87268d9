// client-go's own clientcmd tests (k8s.io/client-go v0.36.3, tools/clientcmd:
// validation_test.go, client_config_test.go, loader_test.go,
// merged_client_builder_test.go, overrides_test.go) ported as the oracle for
// our loader, merger and validator. Each case is named after the Go test it
// ports and gives our Load+Select the same input. Where client-go checks a
// rest.Config field, we check the ClientConfig field that plays its part.
//
// What is not ported, and why: writing kubeconfigs (ModifyConfig, Migrating,
// FileLocking, EncodeYAML, Minify/Flatten/Shorten: kubectl-lm never writes
// one); mergo's struct semantics (TestMergeSemantics: our types merge whole
// entries, see kubeconfig_test.cpp); Go error-type plumbing
// (TestIsConfigurationInvalid, TestErrConfigurationInvalidWithErrorsIs*);
// klog output (Test*WarningMissingFiles: we skip missing list entries
// silently, as kubectl does at -v 0). Deliberate differences are listed in
// the README ("kubeconfig: where kubectl-lm differs from kubectl") and
// marked DIFFERENCE below.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>

#include "kube/base64.h"
#include "kube/kubeconfig.h"
#include "kube/os.h"
#include "env_of.h"

using namespace kube;

namespace {

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// createValidTestConfig(): one context "clean" with a server and a token.
constexpr char kClean[] = R"(
current-context: clean
clusters: [{name: clean, cluster: {server: "https://anything.com:8080"}}]
users: [{name: clean, user: {token: the-token}}]
contexts: [{name: clean, context: {cluster: clean, user: clean}}]
)";

// A config whose context "c" uses `cluster` and `user` (YAML flow maps).
std::string With(const std::string& cluster, const std::string& user) {
  return "current-context: c\nclusters: [{name: cl, cluster: " + cluster + "}]\nusers: [{name: user, user: " + user +
         "}]\ncontexts: [{name: c, context: {cluster: cl, user: user}}]\n";
}

constexpr char kServer[] = "{server: 'https://anything:8443'}";

struct Port {
  MemoryFileSystem fs;
  std::map<std::string, std::string> env;

  Result<Config> LoadText(const std::string& yaml) {
    fs.Add("/cfg/config", yaml);
    return Load({"/cfg/config"}, fs, EnvOf(env));
  }
  Result<ClientConfig> Run(const std::string& yaml, const Overrides& o = {}) {
    auto c = LoadText(yaml);
    if (!c.ok()) return c.status();
    return Select(*c, o, fs, EnvOf(env));
  }
  // The error of a config client-go refuses (empty when ours accepts it).
  std::string Refusal(const std::string& yaml, const Overrides& o = {}) {
    auto r = Run(yaml, o);
    return r.ok() ? std::string() : r.status().message();
  }
};

#define CHECK_REFUSED(text, part)                                     \
  do {                                                                \
    std::string got_ = (text);                                        \
    BOOST_TEST_CONTEXT("error: " << got_) {                           \
      BOOST_CHECK(!got_.empty());                                     \
      BOOST_CHECK(Contains(got_, part));                              \
    }                                                                 \
  } while (0)

}  // namespace

BOOST_FIXTURE_TEST_SUITE(clientcmd_port, Port)

// ---- validation_test.go -------------------------------------------------

BOOST_AUTO_TEST_CASE(TestConfirmUsableBadInfoButOkConfig) {
  std::string doc = R"(
current-context: clean
clusters:
- {name: missing ca, cluster: {server: anything, certificate-authority: /missing}}
- {name: clean, cluster: {server: anything}}
users:
- {name: error, user: {username: anything, token: here}}
- {name: clean, user: {token: here}}
contexts:
- {name: dirty, context: {cluster: missing ca, user: error}}
- {name: clean, context: {cluster: clean, user: clean}}
)";
  // Only the chosen context is confirmed: the broken one beside it is no error.
  BOOST_CHECK_EQUAL(Refusal(doc), "");
  CHECK_REFUSED(Refusal(doc, {.context = "dirty"}), "unable to read certificate-authority");
}

BOOST_AUTO_TEST_CASE(TestConfirmUsableMissingObjects) {
  std::string doc = R"(
clusters: [{name: kind-cluster, cluster: {server: anything}}]
users: [{name: kind-user, user: {token: any-value}}]
contexts:
- {name: missing-user, context: {cluster: kind-cluster, user: garbage}}
- {name: missing-cluster, context: {cluster: garbage, user: kind-user}}
)";
  CHECK_REFUSED(Refusal(doc, {.context = "missing-user"}), "user \"garbage\" was not found for context \"missing-user\"");
  CHECK_REFUSED(Refusal(doc, {.context = "missing-cluster"}),
                "cluster \"garbage\" was not found for context \"missing-cluster\"");
}

BOOST_AUTO_TEST_CASE(TestConfirmUsableBadInfoConfig) {
  CHECK_REFUSED(Refusal(With("{server: anything, certificate-authority: /missing}", "{username: anything, token: here}")),
                "unable to read certificate-authority");
}

BOOST_AUTO_TEST_CASE(TestConfirmUsableEmptyConfig_TestValidateEmptyConfig_TestIsEmptyConfig) {
  CHECK_REFUSED(Refusal(""), "no configuration has been provided");
}

BOOST_AUTO_TEST_CASE(TestConfirmUsableMissingConfig) {
  CHECK_REFUSED(Refusal("", {.context = "not-here"}), "context \"not-here\" does not exist");
}

BOOST_AUTO_TEST_CASE(TestValidateMissingCurrentContextConfig_TestIsContextNotFound) {
  CHECK_REFUSED(Refusal("current-context: anything\n"), "context was not found for specified context: anything");
}

BOOST_AUTO_TEST_CASE(TestValidateMissingReferencesConfig) {
  std::string doc = "current-context: anything\ncontexts: [{name: anything, context: {cluster: missing, user: missing}}]\n";
  // client-go lists both; we stop at the first, the cluster.
  CHECK_REFUSED(Refusal(doc), "cluster \"missing\" was not found for context \"anything\"");
}

BOOST_AUTO_TEST_CASE(TestValidateEmptyContext) {
  // A context naming neither cluster nor user has nothing to connect to.
  std::string doc = "current-context: anything\ncontexts: [{name: anything, context: {}}]\n";
  CHECK_REFUSED(Refusal(doc), "no configuration has been provided");
}

BOOST_AUTO_TEST_CASE(TestValidateEmptyContextName) {
  // validateContext refuses a context named "". kubectl never reaches it for
  // selection (an empty name means "the current context"), and neither do we.
  std::string doc = "current-context: anything\ncontexts: [{name: '', context: {cluster: missing, user: missing}}]\n";
  CHECK_REFUSED(Refusal(doc), "context was not found for specified context: anything");
}

BOOST_AUTO_TEST_CASE(TestValidateEmptyClusterInfo_TestValidateClusterInfoErrEmptyCluster) {
  // An empty cluster is ErrEmptyCluster, which ConfirmUsable turns into
  // ErrEmptyConfig, the error after which client-go tries in-cluster.
  CHECK_REFUSED(Refusal(With("{}", "{token: t}")), "no configuration has been provided");
  // Not empty, but no server: named.
  CHECK_REFUSED(Refusal(With("{insecure-skip-tls-verify: true}", "{token: t}")), "no server found for cluster \"cl\"");
}

BOOST_AUTO_TEST_CASE(TestValidateMissingCAFileClusterInfo, *PosixPaths()) {
  CHECK_REFUSED(Refusal(With("{server: anything, certificate-authority: /missing}", "{}")),
                "unable to read certificate-authority /missing");
}

BOOST_AUTO_TEST_CASE(TestValidateCleanClusterInfo_TestValidateCleanWithCAClusterInfo, *PosixPaths()) {
  BOOST_CHECK_EQUAL(Refusal(With("{server: anything}", "{}")), "");
  fs.Add("/tmp/ca", "");
  BOOST_CHECK_EQUAL(Refusal(With("{server: anything, certificate-authority: /tmp/ca}", "{}")), "");
}

BOOST_AUTO_TEST_CASE(TestValidateEmptyAuthInfo) { BOOST_CHECK_EQUAL(Refusal(With(kServer, "{}")), ""); }

BOOST_AUTO_TEST_CASE(TestValidateCertFilesNotFoundAuthInfo, *PosixPaths()) {
  CHECK_REFUSED(Refusal(With(kServer, "{client-certificate: /missing, client-key: /missing}")),
                "unable to read client-cert");
  fs.Add("/cert", "C");
  CHECK_REFUSED(Refusal(With(kServer, "{client-certificate: /cert, client-key: /missing}")), "unable to read client-key");
}

BOOST_AUTO_TEST_CASE(TestValidateCertDataOverridesFiles) {
  fs.Add("/tmp/f", "");
  std::string user = "{client-certificate: /tmp/f, client-certificate-data: " + Base64Encode("certdata") +
                     ", client-key: /tmp/f, client-key-data: " + Base64Encode("keydata") + "}";
  CHECK_REFUSED(Refusal(With(kServer, user)), "client-cert-data and client-cert are both specified");
  user = "{client-certificate-data: " + Base64Encode("certdata") + ", client-key: /tmp/f, client-key-data: " +
         Base64Encode("keydata") + "}";
  CHECK_REFUSED(Refusal(With(kServer, user)), "client-key-data and client-key are both specified");
}

BOOST_AUTO_TEST_CASE(TestValidateCleanCertFilesAuthInfo, *PosixPaths()) {
  fs.Add("/tmp/f", "PEM");
  auto cc = Run(With(kServer, "{client-certificate: /tmp/f, client-key: /tmp/f}"));
  BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
  BOOST_CHECK_EQUAL(cc->client_cert_pem, "PEM");
}

BOOST_AUTO_TEST_CASE(TestValidateCleanTokenAuthInfo) {
  auto cc = Run(With(kServer, "{token: any-value}"));
  BOOST_REQUIRE(cc.ok());
  BOOST_CHECK_EQUAL(cc->token, "any-value");
}

BOOST_AUTO_TEST_CASE(TestValidateMultipleMethodsAuthInfo) {
  std::string err = Refusal(With(kServer, "{token: token, username: username}"));
  CHECK_REFUSED(err, "more than one authentication method");
  BOOST_CHECK(Contains(err, "token") && Contains(err, "basicAuth"));
}

BOOST_AUTO_TEST_CASE(TestValidateAuthInfoExec) {
  auto cc = Run(With(kServer, R"({exec: {command: /bin/example, apiVersion: clientauthentication.k8s.io/v1alpha1,
                                 args: [hello, world], env: [{name: foo, value: bar}], interactiveMode: IfAvailable}})"));
  BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
  BOOST_REQUIRE(cc->exec.has_value());
  BOOST_CHECK_EQUAL(cc->exec->args.size(), 2u);
  BOOST_CHECK_EQUAL(cc->exec->env.at(0).first, "foo");
}

BOOST_AUTO_TEST_CASE(TestValidateAuthInfoExecNoVersion) {
  CHECK_REFUSED(Refusal(With(kServer, "{exec: {command: /bin/example, interactiveMode: IfAvailable}}")),
                "apiVersion must be specified for user");
}

BOOST_AUTO_TEST_CASE(TestValidateAuthInfoExecNoCommand) {
  CHECK_REFUSED(Refusal(With(kServer, "{exec: {apiVersion: clientauthentication.k8s.io/v1alpha1, interactiveMode: IfAvailable}}")),
                "command must be specified for user");
}

BOOST_AUTO_TEST_CASE(TestValidateAuthInfoExecWithAuthProvider) {
  CHECK_REFUSED(Refusal(With(kServer, R"({auth-provider: {name: oidc}, exec: {command: /bin/example,
                                        apiVersion: clientauthentication.k8s.io/v1alpha1, interactiveMode: IfAvailable}})")),
                "authProvider cannot be provided in combination with an exec plugin for user");
}

BOOST_AUTO_TEST_CASE(TestValidateAuthInfoExecNoEnv) {
  // An env variable with an empty value is fine; one with no name is not.
  BOOST_CHECK_EQUAL(Refusal(With(kServer, R"({exec: {command: /bin/example, apiVersion: clientauthentication.k8s.io/v1alpha1,
                                             env: [{name: foo, value: ''}], interactiveMode: IfAvailable}})")),
                    "");
  CHECK_REFUSED(Refusal(With(kServer, R"({exec: {command: /bin/example, apiVersion: clientauthentication.k8s.io/v1alpha1,
                                        env: [{name: '', value: x}], interactiveMode: IfAvailable}})")),
                "env variable name must be specified for user");
}

BOOST_AUTO_TEST_CASE(TestValidateAuthInfoExecInteractiveModeMissing) {
  // Missing is an error for v1 (and the unknown v1alpha1); v1beta1 defaults
  // it to IfAvailable when loaded (clientcmd/api/v1/defaults.go).
  CHECK_REFUSED(Refusal(With(kServer, "{exec: {command: /bin/example, apiVersion: clientauthentication.k8s.io/v1alpha1}}")),
                "interactiveMode must be specified for user");
  CHECK_REFUSED(Refusal(With(kServer, "{exec: {command: /bin/example, apiVersion: client.authentication.k8s.io/v1}}")),
                "interactiveMode must be specified for user");
  BOOST_CHECK_EQUAL(Refusal(With(kServer, "{exec: {command: /bin/example, apiVersion: client.authentication.k8s.io/v1beta1}}")), "");
}

BOOST_AUTO_TEST_CASE(TestValidateAuthInfoExecInteractiveModeInvalid) {
  CHECK_REFUSED(Refusal(With(kServer, "{exec: {command: /bin/example, apiVersion: clientauthentication.k8s.io/v1alpha1, "
                                      "interactiveMode: invalid}}")),
                "invalid interactiveMode for user: \"invalid\"");
}

BOOST_AUTO_TEST_CASE(TestValidateAuthInfoImpersonateUser_TestValidateAuthInfoImpersonateEverything) {
  BOOST_CHECK_EQUAL(Refusal(With(kServer, "{as: user}")), "");
  auto cc = Run(With(kServer, "{as: user, as-uid: abc123, as-groups: [group-1, group-2], as-user-extra: {key: [val1, val2]}}"));
  BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
  BOOST_CHECK_EQUAL(cc->impersonate.as_groups.size(), 2u);
  BOOST_CHECK_EQUAL(cc->impersonate.as_user_extra.at("key").size(), 2u);
}

BOOST_AUTO_TEST_CASE(TestValidateAuthInfoImpersonateWithoutUserInvalid) {
  // Ports ...GroupsWithoutUserInvalid, ...ExtraWithoutUserInvalid, ...UIDWithoutUserInvalid.
  for (const char* user : {"{as-groups: [group-1, group-2]}", "{as-user-extra: {key: [val1, val2]}}", "{as-uid: abc123}"}) {
    CHECK_REFUSED(Refusal(With(kServer, user)), "requesting uid, groups or user-extra for user without impersonating a user");
  }
  // The same from the flags (kubectl --as-group without --as).
  CHECK_REFUSED(Refusal(With(kServer, "{}"), {.as_groups = {"g"}}), "without impersonating a user");
}

// ---- client_config_test.go ----------------------------------------------

BOOST_AUTO_TEST_CASE(TestInsecureOverridesCA) {
  std::string doc = With("{server: 'https://anything.com:8080', certificate-authority-data: AAA=}", "{token: the-token}");
  auto cc = Run(doc, {.insecure_skip_tls_verify = true});
  BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
  BOOST_CHECK(cc->insecure_skip_tls_verify);
  BOOST_CHECK_EQUAL(cc->ca_pem, "");
}

BOOST_AUTO_TEST_CASE(TestCAOverridesCAData) {
  fs.Add("/tmp/my.ca", "FILE-CA");
  std::string doc = With("{server: 'https://anything.com:8080', certificate-authority-data: AAA=}", "{token: the-token}");
  auto cc = Run(doc, {.certificate_authority = "/tmp/my.ca"});
  BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
  BOOST_CHECK(!cc->insecure_skip_tls_verify);
  BOOST_CHECK_EQUAL(cc->ca_pem, "FILE-CA");
}

BOOST_AUTO_TEST_CASE(TestTLSServerName_TestTLSServerNameClearsWhenServerNameSet) {
  auto named = Run(kClean, {.tls_server_name = "overridden-server-name"});
  BOOST_REQUIRE(named.ok());
  BOOST_CHECK_EQUAL(named->tls_server_name, "overridden-server-name");
  BOOST_CHECK_EQUAL(named->ca_pem, "");
  std::string doc = With("{server: 'https://a', tls-server-name: from-file}", "{}");
  auto moved = Run(doc, {.server = "https://something"});
  BOOST_REQUIRE(moved.ok());
  BOOST_CHECK_EQUAL(moved->tls_server_name, "");
}

BOOST_AUTO_TEST_CASE(TestMergeContext_TestNamespaceOverride) {
  auto plain = Run(kClean);
  BOOST_REQUIRE(plain.ok());
  BOOST_CHECK(!plain->namespace_from_flag);
  BOOST_CHECK_EQUAL(plain->namespace_, "default");
  auto over = Run(kClean, {.namespace_ = "overridden-namespace"});
  BOOST_REQUIRE(over.ok());
  BOOST_CHECK(over->namespace_from_flag);
  BOOST_CHECK_EQUAL(over->namespace_, "overridden-namespace");
}

BOOST_AUTO_TEST_CASE(TestCertificateData) {
  std::string doc = With("{server: 'https://localhost:8443', certificate-authority-data: " + Base64Encode("ca-data") + "}",
                         "{client-certificate-data: " + Base64Encode("cert-data") + ", client-key-data: " +
                             Base64Encode("key-data") + "}");
  auto cc = Run(doc);
  BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
  BOOST_CHECK_EQUAL(cc->ca_pem, "ca-data");
  BOOST_CHECK_EQUAL(cc->client_cert_pem, "cert-data");
  BOOST_CHECK_EQUAL(cc->client_key_pem, "key-data");
}

BOOST_AUTO_TEST_CASE(TestProxyURL) {
  struct Case { const char* url; bool error; };
  // DIFFERENCE: socks5:// and https:// proxies pass validation, as in
  // client-go, but the transport refuses them when it connects (only http
  // CONNECT proxies are implemented).
  for (auto [url, error] : {Case{"", false}, {"socks5://example.com", false}, {"https://example.com", false},
                            {"http://example.com", false}, {"socks6://example.com", true}, {"example.com", true},
                            {"chewbacca@example.com", true}}) {
    std::string cluster = std::string("{server: 'https://localhost:8443', proxy-url: '") + url + "'}";
    auto cc = Run(With(cluster, "{}"));
    BOOST_TEST_CONTEXT(url) {
      BOOST_CHECK_EQUAL(!cc.ok(), error);
      if (cc.ok()) BOOST_CHECK_EQUAL(cc->proxy_url, url);
    }
  }
}

BOOST_AUTO_TEST_CASE(TestBasicAuthData) {
  auto cc = Run(With("{server: 'https://localhost:8443'}", "{username: myuser, password: mypass}"));
  BOOST_REQUIRE(cc.ok());
  BOOST_CHECK_EQUAL(cc->username, "myuser");
  BOOST_CHECK_EQUAL(cc->password, "mypass");
}

BOOST_AUTO_TEST_CASE(TestBasicTokenFile_TestPrecedenceTokenFile, *PosixPaths()) {
  fs.Add("/tmp/tokenfile", "exampletoken");
  auto file = Run(With("{server: 'https://localhost:8443'}", "{tokenFile: /tmp/tokenfile}"));
  BOOST_REQUIRE(file.ok());
  BOOST_CHECK_EQUAL(file->token_file, "/tmp/tokenfile");
  // Both: the token is the configured BearerToken, the file stays
  // BearerTokenFile (whose last successful read the transport prefers, as
  // client-go's transport does; see client_test.cpp).
  auto both = Run(With("{server: 'https://localhost:8443'}", "{token: expected, tokenFile: /tmp/tokenfile}"));
  BOOST_REQUIRE(both.ok());
  BOOST_CHECK_EQUAL(both->token, "expected");
  BOOST_CHECK_EQUAL(both->token_file, "/tmp/tokenfile");
}

BOOST_AUTO_TEST_CASE(TestCreateClean_TestCreateCleanDefault) {
  auto cc = Run(kClean);
  BOOST_REQUIRE(cc.ok());
  BOOST_CHECK_EQUAL(cc->server, "https://anything.com:8080");
  BOOST_CHECK(!cc->insecure_skip_tls_verify);
  BOOST_CHECK_EQUAL(cc->token, "the-token");
  BOOST_CHECK_EQUAL(cc->tls_server_name, "");
  BOOST_CHECK_EQUAL(cc->context_name, "clean");
}

BOOST_AUTO_TEST_CASE(TestCreateCleanWithPrefix) {
  // The path after the host is kept as given. DIFFERENCE: a server without a
  // scheme gets https:// (client-go picks http:// when no CA, client
  // certificate or insecure flag is set; kubectl-lm never talks plain HTTP).
  struct Case { const char* server; const char* host; };
  for (auto [server, host] : {Case{"https://anything.com:8080/foo/bar", "https://anything.com:8080/foo/bar"},
                              {"http://anything.com:8080/foo/bar", "http://anything.com:8080/foo/bar"},
                              {"http://anything.com:8080/foo/bar/", "http://anything.com:8080/foo/bar/"},
                              {"http://anything.com:8080/", "http://anything.com:8080/"},
                              {"anything.com:8080/foo/bar", "https://anything.com:8080/foo/bar"},
                              {"anything.com:8080", "https://anything.com:8080"},
                              {"anything", "https://anything"}}) {
    auto cc = Run(With(std::string("{server: '") + server + "'}", "{token: t}"));
    BOOST_TEST_CONTEXT(server) {
      BOOST_REQUIRE(cc.ok());
      BOOST_CHECK_EQUAL(cc->server, host);
    }
  }
}

BOOST_AUTO_TEST_CASE(TestCreateMissingContextNoDefault_TestCreateMissingContext) {
  CHECK_REFUSED(Refusal(kClean, {.context = "not-present"}), "context \"not-present\" does not exist");
  std::string doc = std::string(kClean);
  doc.replace(doc.find("current-context: clean"), 22, "current-context: not-present");
  CHECK_REFUSED(Refusal(doc), "context was not found for specified context: not-present");
}

BOOST_AUTO_TEST_CASE(TestInClusterClientConfigPrecedence) {
  fs.Add("/var/run/secrets/kubernetes.io/serviceaccount/token", "token-from-cluster");
  fs.Add("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", "CA-FROM-CLUSTER");
  fs.Add("/path/to/ca-from-overrides.crt", "CA-FROM-OVERRIDES");
  env = {{"KUBERNETES_SERVICE_HOST", "host-from-cluster.com"}, {"KUBERNETES_SERVICE_PORT", "443"}};
  struct Case { std::string server, token, ca; };
  for (const Case& c : {Case{"https://host-from-overrides.com", "", ""}, Case{"", "token-from-override", ""},
                        Case{"", "", "/path/to/ca-from-overrides.crt"},
                        Case{"https://host-from-overrides.com", "token-from-override", ""},
                        Case{"https://host-from-overrides.com", "", "/path/to/ca-from-overrides.crt"},
                        Case{"", "token-from-override", "/path/to/ca-from-overrides.crt"},
                        Case{"https://host-from-overrides.com", "token-from-override", "/path/to/ca-from-overrides.crt"},
                        Case{}}) {
    auto cc = Run("", {.server = c.server, .certificate_authority = c.ca, .token = c.token});
    BOOST_TEST_CONTEXT(c.server << " " << c.token << " " << c.ca) {
      if (c.server.empty() && !c.ca.empty()) {
        // Nor with a CA alone: the merged cluster is not empty but has no
        // server, an error that is not ErrEmptyConfig, so kubectl stops there.
        BOOST_CHECK(Contains(cc.status().message(), "no server found"));
        continue;
      }
      BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
      BOOST_CHECK_EQUAL(cc->token, c.token);
      BOOST_CHECK_EQUAL(cc->ca_pem, c.ca.empty() ? (c.server.empty() ? "CA-FROM-CLUSTER" : "") : "CA-FROM-OVERRIDES");
      if (c.server.empty()) {
        BOOST_CHECK_EQUAL(cc->server, "https://host-from-cluster.com:443");
        BOOST_CHECK_EQUAL(cc->token_file, c.token.empty() ? "/var/run/secrets/kubernetes.io/serviceaccount/token" : "");
      } else {
        // inClusterClientConfig would take --server too, but kubectl never
        // gets there: with --server the merged config is not empty, so
        // DeferredLoadingClientConfig uses it, with no service account.
        BOOST_CHECK_EQUAL(cc->server, c.server);
        BOOST_CHECK_EQUAL(cc->token_file, "");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(TestAuthConfigMerge) {
  auto cc = Run(R"(
apiVersion: v1
clusters:
- cluster:
    server: https://localhost:8080
    extensions:
    - name: client.authentication.k8s.io/exec
      extension:
        audience: foo
        other: bar
  name: foo-cluster
contexts:
- context:
    cluster: foo-cluster
    namespace: bar
    user: foo-user
  name: foo-context
current-context: foo-context
kind: Config
users:
- name: foo-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1alpha1
      args:
      - arg-1
      - arg-2
      command: foo-command
      interactiveMode: IfAvailable
      provideClusterInfo: true
)");
  BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
  BOOST_REQUIRE(cc->exec.has_value());
  BOOST_CHECK(cc->exec->args == (std::vector<std::string>{"arg-1", "arg-2"}));
  BOOST_CHECK(cc->exec->provide_cluster_info);
  BOOST_CHECK(Contains(cc->exec_cluster_json, R"("config":{"audience":"foo","other":"bar"})"));
  BOOST_CHECK_EQUAL(cc->namespace_, "bar");
}

BOOST_AUTO_TEST_CASE(TestMergeRawConfigDoOverride) {
  std::string doc = R"(
current-context: clean
clusters:
- {name: clean, cluster: {server: "https://anything.com:8080"}}
- {name: modify, cluster: {server: "https://anything.com:8080"}}
users:
- {name: clean, user: {token: the-token}}
- {name: modify, user: {token: the-token}}
contexts:
- {name: clean, context: {cluster: clean, user: clean}}
- {name: modify, context: {cluster: modify, user: modify, namespace: modify}}
)";
  auto cc = Run(doc, {.context = "modify", .cluster = "modify", .user = "modify", .namespace_ = "foobar",
                      .server = "https://localhost:8081", .token = "modified-token"});
  BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
  BOOST_CHECK_EQUAL(cc->context_name, "modify");
  BOOST_CHECK_EQUAL(cc->server, "https://localhost:8081");
  BOOST_CHECK_EQUAL(cc->namespace_, "foobar");
  BOOST_CHECK_EQUAL(cc->token, "modified-token");
  auto clean = Run(doc, {.context = "clean"});
  BOOST_REQUIRE(clean.ok());
  BOOST_CHECK_EQUAL(clean->server, "https://anything.com:8080");
  BOOST_CHECK_EQUAL(clean->namespace_, "default");
}

BOOST_AUTO_TEST_CASE(TestClientCertOverrideData) {
  fs.Add("/tmp/test-client.crt", "dummy-cert-content");
  fs.Add("/tmp/test-client.key", "dummy-key-content");
  std::string doc = With("{server: 'https://example.com:6443', certificate-authority-data: " + Base64Encode("fake-ca-data") + "}",
                         "{client-certificate-data: " + Base64Encode("base-cert-data") + ", client-key-data: " +
                             Base64Encode("base-key-data") + "}");
  // Files from the flags replace the data: no "both specified" conflict.
  auto cc = Run(doc, {.client_certificate = "/tmp/test-client.crt", .client_key = "/tmp/test-client.key"});
  BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
  BOOST_CHECK_EQUAL(cc->client_cert_pem, "dummy-cert-content");
  BOOST_CHECK_EQUAL(cc->client_key_pem, "dummy-key-content");
  auto base = Run(doc);
  BOOST_REQUIRE(base.ok());
  BOOST_CHECK_EQUAL(base->client_cert_pem, "base-cert-data");
}

// ---- loader_test.go ------------------------------------------------------

BOOST_AUTO_TEST_CASE(TestNilOutMap) {
  // A gcp auth-provider user parses; only selecting it is refused.
  auto c = LoadText(R"(apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: UEhPTlkK
    server: https://1.1.1.1
  name: production
contexts:
- context:
    cluster: production
    user: production
  name: production
current-context: production
users:
- name: production
  user:
    auth-provider:
      name: gcp)");
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().message());
  BOOST_CHECK_EQUAL(c->users.at("production").auth_provider, "gcp");
}

BOOST_AUTO_TEST_CASE(TestNonExistentCommandLineFile) {
  auto c = Load({"bogus_file"}, fs, EnvOf({}));
  BOOST_REQUIRE(!c.ok());
  BOOST_CHECK(Contains(c.status().message(), "bogus_file"));
}

BOOST_AUTO_TEST_CASE(TestToleratingMissingFiles) {
  auto c = Load({}, fs, EnvOf({{"KUBECONFIG", ListOf({"bogus1", "bogus2", "bogus3"})}}));
  BOOST_REQUIRE(c.ok());
  BOOST_CHECK(c->clusters.empty());
}

BOOST_AUTO_TEST_CASE(TestErrorReadingFile) {
  auto c = LoadText("bogus value");
  BOOST_REQUIRE(!c.ok());
  BOOST_CHECK(Contains(c.status().message(), "/cfg/config"));
}

BOOST_AUTO_TEST_CASE(TestErrorReadingNonFile) {
  // On the real disk: a directory given as the kubeconfig, alone or in the
  // list (loader.go skips only files that do not exist).
  std::string dir = (std::filesystem::temp_directory_path() / "lm-clientcmd-port-dir").string();
  std::filesystem::create_directories(dir);
  RealFileSystem disk;
  auto alone = Load({dir}, disk, EnvOf({}));
  BOOST_REQUIRE(!alone.ok());
  BOOST_CHECK(Contains(alone.status().message(), dir));
  auto listed = Load({}, disk, EnvOf({{"KUBECONFIG", ListOf({"/nonexistent-lm", dir})}}));
  BOOST_REQUIRE(!listed.ok());
  BOOST_CHECK(Contains(listed.status().message(), dir));
  std::filesystem::remove(dir);
}

BOOST_AUTO_TEST_CASE(TestConflictingCurrentContext) {
  fs.Add("/cmdline", "current-context: any-context-value\n");
  fs.Add("/envvar", "current-context: a-different-context\n");
  auto c = Load({"/cmdline"}, fs, EnvOf({{"KUBECONFIG", "/envvar"}}));
  BOOST_REQUIRE(c.ok());
  BOOST_CHECK_EQUAL(c->current_context, "any-context-value");
  // And in the list, the first file's current-context wins.
  auto listed = Load({}, fs, EnvOf({{"KUBECONFIG", ListOf({"/envvar", "/cmdline"})}}));
  BOOST_REQUIRE(listed.ok());
  BOOST_CHECK_EQUAL(listed->current_context, "a-different-context");
}

BOOST_AUTO_TEST_CASE(TestLoadingEmptyMaps) {
  auto c = LoadText("current-context: any-context-value\nclusters: []\nusers:\ncontexts: {}\n");
  BOOST_REQUIRE_MESSAGE(!c.ok(), "contexts given as a map is not a kubeconfig");
  auto ok = LoadText("current-context: any-context-value\nclusters: []\nusers:\n");
  BOOST_REQUIRE(ok.ok());
  BOOST_CHECK_EQUAL(ok->current_context, "any-context-value");
}

BOOST_AUTO_TEST_CASE(TestDuplicateClusterName_ContextName_UserName_ExtensionName) {
  const char* base = R"(
kind: Config
apiVersion: v1
clusters:
- {name: kubeconfig-cluster, cluster: {server: 'https://kubernetes.default.svc:443'}}
%C
contexts:
- {name: kubeconfig-context, context: {cluster: kubeconfig-cluster, namespace: default, user: kubeconfig-user}}
%X
current-context: kubeconfig-context
users:
- {name: kubeconfig-user, user: {tokenFile: /t}}
%U
%E
)";
  struct Case { const char* marker; const char* line; const char* want; };
  for (auto [marker, line, want] : {
           Case{"%C", "- {name: kubeconfig-cluster, cluster: {server: 'https://test.example.server:443'}}",
                "duplicate name \"kubeconfig-cluster\" in list"},
           {"%X", "- {name: kubeconfig-context, context: {cluster: test-example-cluster}}",
            "duplicate name \"kubeconfig-context\" in list"},
           {"%U", "- {name: kubeconfig-user, user: {tokenFile: /other}}", "duplicate name \"kubeconfig-user\" in list"},
           {"%E", "extensions: [{name: test-extension, extension: {bytes: test}}, {name: test-extension, extension: {bytes: x}}]",
            "duplicate name \"test-extension\" in list"}}) {
    std::string doc = base;
    for (const char* m : {"%C", "%X", "%U", "%E"}) {
      doc.replace(doc.find(m), 2, std::string(m) == marker ? line : "");
    }
    auto c = LoadText(doc);
    BOOST_TEST_CONTEXT(marker) {
      BOOST_REQUIRE(!c.ok());
      BOOST_CHECK(Contains(c.status().message(), want));
    }
  }
}

BOOST_AUTO_TEST_CASE(TestResolveRelativePaths, *PosixPaths()) {
  fs.Add("/tmp/dir1/.kubeconfig", R"(
users:
- {name: relative-user-1, user: {client-certificate: relative/client/cert, client-key: ../relative/client/key}}
- {name: absolute-user-1, user: {client-certificate: /absolute/client/cert, client-key: /absolute/client/key}}
- {name: relative-cmd-1, user: {exec: {command: ../relative/client/cmd}}}
- {name: absolute-cmd-1, user: {exec: {command: /absolute/client/cmd}}}
- {name: PATH-cmd-1, user: {exec: {command: cmd}}}
clusters:
- {name: relative-server-1, cluster: {certificate-authority: ../relative/ca}}
- {name: absolute-server-1, cluster: {certificate-authority: /absolute/ca}}
)");
  fs.Add("/tmp/dir2/sub/.kubeconfig", R"(
users:
- {name: relative-user-2, user: {client-certificate: relative/client/cert2, client-key: ../relative/client/key2}}
clusters:
- {name: relative-server-2, cluster: {certificate-authority: ../relative/ca2}}
)");
  auto c = Load({}, fs, EnvOf({{"KUBECONFIG", ListOf({"/tmp/dir1/.kubeconfig", "/tmp/dir2/sub/.kubeconfig"})}}));
  BOOST_REQUIRE(c.ok());
  // filepath.Join cleans: "dir/../x" is "x".
  BOOST_CHECK_EQUAL(c->clusters.at("relative-server-1").certificate_authority, "/tmp/relative/ca");
  BOOST_CHECK_EQUAL(c->clusters.at("relative-server-2").certificate_authority, "/tmp/dir2/relative/ca2");
  BOOST_CHECK_EQUAL(c->clusters.at("absolute-server-1").certificate_authority, "/absolute/ca");
  BOOST_CHECK_EQUAL(c->users.at("relative-user-1").client_certificate, "/tmp/dir1/relative/client/cert");
  BOOST_CHECK_EQUAL(c->users.at("relative-user-1").client_key, "/tmp/relative/client/key");
  BOOST_CHECK_EQUAL(c->users.at("relative-user-2").client_key, "/tmp/dir2/relative/client/key2");
  BOOST_CHECK_EQUAL(c->users.at("absolute-user-1").client_key, "/absolute/client/key");
  BOOST_CHECK_EQUAL(c->users.at("relative-cmd-1").exec->command, "/tmp/relative/client/cmd");
  BOOST_CHECK_EQUAL(c->users.at("absolute-cmd-1").exec->command, "/absolute/client/cmd");
  BOOST_CHECK_EQUAL(c->users.at("PATH-cmd-1").exec->command, "cmd");
}

BOOST_AUTO_TEST_CASE(TestResolveRelativePaths_Windows, *WindowsPaths()) {
  // The case above with Windows paths: a drive makes a path absolute, and
  // either separator may be written in the kubeconfig.
  fs.Add("C:\\tmp\\dir1\\.kubeconfig", R"(
users:
- {name: relative-user-1, user: {client-certificate: relative/client/cert, client-key: ..\relative\client\key}}
- {name: absolute-user-1, user: {client-key: 'D:\absolute\client\key'}}
- {name: absolute-cmd-1, user: {exec: {command: 'C:/absolute/client/cmd.exe'}}}
- {name: PATH-cmd-1, user: {exec: {command: cmd}}}
clusters:
- {name: relative-server-1, cluster: {certificate-authority: ../relative/ca}}
- {name: rooted-server-1, cluster: {certificate-authority: /rooted/ca}}
)");
  fs.Add("C:\\tmp\\dir2\\sub\\.kubeconfig", R"(
clusters:
- {name: relative-server-2, cluster: {certificate-authority: ../relative/ca2}}
)");
  auto c = Load({}, fs, EnvOf({{"KUBECONFIG", ListOf({"C:\\tmp\\dir1\\.kubeconfig", "C:/tmp/dir2/sub/.kubeconfig"})}}));
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().message());
  BOOST_CHECK_EQUAL(c->clusters.at("relative-server-1").certificate_authority, "C:\\tmp\\relative\\ca");
  BOOST_CHECK_EQUAL(c->clusters.at("relative-server-2").certificate_authority, "C:\\tmp\\dir2\\relative\\ca2");
  // Rooted without a drive: not absolute, so joined to the file's folder (filepath.Join).
  BOOST_CHECK_EQUAL(c->clusters.at("rooted-server-1").certificate_authority, "C:\\tmp\\dir1\\rooted\\ca");
  BOOST_CHECK_EQUAL(c->users.at("relative-user-1").client_certificate, "C:\\tmp\\dir1\\relative\\client\\cert");
  BOOST_CHECK_EQUAL(c->users.at("relative-user-1").client_key, "C:\\tmp\\relative\\client\\key");
  BOOST_CHECK_EQUAL(c->users.at("absolute-user-1").client_key, "D:\\absolute\\client\\key");
  BOOST_CHECK_EQUAL(c->users.at("absolute-cmd-1").exec->command, "C:/absolute/client/cmd.exe");
  BOOST_CHECK_EQUAL(c->users.at("PATH-cmd-1").exec->command, "cmd");
}

BOOST_AUTO_TEST_CASE(TestDeduplicate_TestLoadingGetLoadingPrecedence) {
  // The KUBECONFIG list is deduplicated in order; a file listed twice is
  // read once (its entries would win anyway).
  fs.Add("/a", "current-context: from-a\n");
  fs.Add("/b", "current-context: from-b\nclusters: [{name: b, cluster: {server: 'https://b'}}]\n");
  auto c = Load({}, fs, EnvOf({{"KUBECONFIG", ListOf({"/b", "/a", "/b"})}}));
  BOOST_REQUIRE(c.ok());
  BOOST_CHECK_EQUAL(c->current_context, "from-b");
  // default: $HOME/.kube/config; explicit: only that file; env: the list.
  fs.Add("/home/u/.kube/config", "current-context: home\n");
  BOOST_CHECK_EQUAL(Load({}, fs, EnvOf({{"HOME", "/home/u"}}))->current_context, "home");
  BOOST_CHECK_EQUAL(Load({"/a"}, fs, EnvOf({{"HOME", "/home/u"}, {"KUBECONFIG", "/b"}}))->current_context, "from-a");
  BOOST_CHECK_EQUAL(Load({}, fs, EnvOf({{"HOME", "/home/u"}, {"KUBECONFIG", ListOf({"/a", "/b"})}}))->current_context, "from-a");
}

// ---- merged_client_builder_test.go ---------------------------------------

BOOST_AUTO_TEST_CASE(TestInClusterConfig_TestInClusterConfigNamespace) {
  fs.Add("/var/run/secrets/kubernetes.io/serviceaccount/token", "sa");
  fs.Add("/var/run/secrets/kubernetes.io/serviceaccount/namespace", "from-file");
  env = {{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}};
  // "in-cluster checked on empty error": a config whose selection comes out
  // empty (ErrEmptyConfig) falls back to in-cluster...
  auto empty = Run("");
  BOOST_REQUIRE_MESSAGE(empty.ok(), empty.status().message());
  BOOST_CHECK_EQUAL(empty->server, "https://10.0.0.1:443");
  BOOST_CHECK_EQUAL(empty->namespace_, "from-file");
  auto users_only = Run("users: [{name: u, user: {token: t}}]\n");
  BOOST_REQUIRE_MESSAGE(users_only.ok(), users_only.status().message());
  BOOST_CHECK_EQUAL(users_only->server, "https://10.0.0.1:443");
  // ...with POD_NAMESPACE first, and -n over both.
  env["POD_NAMESPACE"] = "from-env";
  BOOST_CHECK_EQUAL(Run("")->namespace_, "from-env");
  auto flagged = Run("", {.namespace_ = "from-flag"});
  BOOST_CHECK_EQUAL(flagged->namespace_, "from-flag");
  BOOST_CHECK(flagged->namespace_from_flag);
  // "in-cluster not checked on non-empty error": a named problem is reported.
  CHECK_REFUSED(Refusal(With("{insecure-skip-tls-verify: true}", "{}")), "no server found for cluster \"cl\"");
  // "in-cluster not checked when config is not equal to default": a usable
  // kubeconfig is used, not the service account.
  BOOST_CHECK_EQUAL(Run(kClean)->server, "https://anything.com:8080");
}

// ---- overrides_test.go ----------------------------------------------------
// TestNamespacePrefixStrip tests clientcmd's flag binding, which kubectl does
// not use: see flags_test.cpp (namespace_prefix_is_not_stripped_as_kubectl).

BOOST_AUTO_TEST_SUITE_END()
