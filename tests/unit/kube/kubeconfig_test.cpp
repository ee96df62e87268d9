// Kubeconfig loading, merging and selection, against client-go's rules
// (tools/clientcmd loader.go, client_config.go, validation.go).
#include <boost/test/unit_test.hpp>

#include "kube/base64.h"
#include "kube/kubeconfig.h"
#include "env_of.h"

using namespace kube;

namespace {

const char* kFileA = R"(
apiVersion: v1
kind: Config
current-context: a
clusters:
- name: shared
  cluster: {server: "https://a.example:6443", certificate-authority: ca.crt}
- name: only-a
  cluster: {server: "https://only-a:6443"}
users:
- name: alice
  user: {token: token-a}
contexts:
- name: a
  context: {cluster: shared, user: alice, namespace: team-a}
)";

const char* kFileB = R"(
current-context: b
clusters:
- name: shared
  cluster: {server: "https://b.example:6443", tls-server-name: from-b}
- name: only-b
  cluster: {server: "https://only-b:6443", certificate-authority: rel/ca.crt}
users:
- name: bob
  user: {client-certificate: certs/bob.crt, client-key: certs/bob.key}
contexts:
- name: b
  context: {cluster: only-b, user: bob}
)";

struct Fixture {
  MemoryFileSystem fs;
  Fixture() {
    fs.Add("/home/u/a/config", kFileA);
    fs.Add("/home/u/b/config", kFileB);
    fs.Add("/home/u/a/ca.crt", "CA-A");
    fs.Add("/home/u/b/rel/ca.crt", "CA-B");
    fs.Add("/home/u/b/certs/bob.crt", "BOB-CERT");
    fs.Add("/home/u/b/certs/bob.key", "BOB-KEY");
  }
  Result<ClientConfig> SelectWith(const std::string& kubeconfig_env, Overrides o = {}) {
    auto env = EnvOf({{"KUBECONFIG", kubeconfig_env}, {"HOME", "/home/u"}});
    auto c = Load({}, fs, env);
    if (!c.ok()) return c.status();
    return Select(*c, o, fs, env);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(kubeconfig, Fixture)

BOOST_AUTO_TEST_CASE(first_file_wins_each_entry_whole_and_current_context) {
  auto env = EnvOf({{"KUBECONFIG", ListOf({"/home/u/a/config", "/home/u/b/config"})}});
  auto c = Load({}, fs, env);
  BOOST_REQUIRE(c.ok());
  BOOST_CHECK_EQUAL(c->current_context, "a");
  // "shared" comes whole from A: B's tls-server-name is not mixed in.
  BOOST_CHECK_EQUAL(c->clusters.at("shared").server, "https://a.example:6443");
  BOOST_CHECK_EQUAL(c->clusters.at("shared").tls_server_name, "");
  BOOST_CHECK(c->clusters.count("only-a") && c->clusters.count("only-b"));
  BOOST_CHECK(c->users.count("alice") && c->users.count("bob"));
}

BOOST_AUTO_TEST_CASE(order_of_the_list_decides) {
  auto env = EnvOf({{"KUBECONFIG", ListOf({"/home/u/b/config", "/home/u/a/config"})}});
  auto c = Load({}, fs, env);
  BOOST_REQUIRE(c.ok());
  BOOST_CHECK_EQUAL(c->current_context, "b");
  BOOST_CHECK_EQUAL(c->clusters.at("shared").tls_server_name, "from-b");
}

BOOST_AUTO_TEST_CASE(relative_paths_resolve_against_their_own_file) {
  auto cc = SelectWith(ListOf({"/home/u/a/config", "/home/u/b/config"}), {.context = "b"});
  BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
  BOOST_CHECK_EQUAL(cc->ca_pem, "CA-B");
  BOOST_CHECK_EQUAL(cc->client_cert_pem, "BOB-CERT");
  BOOST_CHECK_EQUAL(cc->client_key_pem, "BOB-KEY");
  auto ca = SelectWith(ListOf({"/home/u/a/config", "/home/u/b/config"}));
  BOOST_REQUIRE(ca.ok());
  BOOST_CHECK_EQUAL(ca->ca_pem, "CA-A");
}

BOOST_AUTO_TEST_CASE(missing_files_in_the_list_are_skipped) {
  auto cc = SelectWith(ListOf({"/nope", "/home/u/a/config"}));
  BOOST_REQUIRE(cc.ok());
  BOOST_CHECK_EQUAL(cc->server, "https://a.example:6443");
}

BOOST_AUTO_TEST_CASE(explicit_kubeconfig_is_the_only_file_and_must_exist) {
  auto env = EnvOf({{"KUBECONFIG", "/home/u/a/config"}});
  auto c = Load({"/home/u/b/config"}, fs, env);
  BOOST_REQUIRE(c.ok());
  BOOST_CHECK(!c->clusters.count("only-a"));
  auto missing = Load({"/nope"}, fs, env);
  BOOST_REQUIRE(!missing.ok());
  BOOST_CHECK_EQUAL(missing.status().message(), "stat /nope: no such file or directory (check --kubeconfig)");
}

BOOST_AUTO_TEST_CASE(home_config_is_the_default) {
  fs.Add("/home/u/.kube/config", kFileB);
  auto env = EnvOf({{"HOME", "/home/u"}});
  auto c = Load({}, fs, env);
  BOOST_REQUIRE(c.ok());
  BOOST_CHECK_EQUAL(c->current_context, "b");
}

BOOST_AUTO_TEST_CASE(selection_flags_and_their_errors) {
  auto cc = SelectWith("/home/u/a/config");
  BOOST_REQUIRE(cc.ok());
  BOOST_CHECK_EQUAL(cc->namespace_, "team-a");
  BOOST_CHECK_EQUAL(cc->token, "token-a");

  auto ns = SelectWith("/home/u/a/config", {.namespace_ = "other"});
  BOOST_CHECK_EQUAL(ns->namespace_, "other");

  auto cl = SelectWith("/home/u/a/config", {.cluster = "only-a"});
  BOOST_CHECK_EQUAL(cl->server, "https://only-a:6443");

  BOOST_CHECK_EQUAL(SelectWith("/home/u/a/config", {.context = "zz"}).status().message(),
                    "context \"zz\" does not exist (see kubectl config get-contexts)");
  BOOST_CHECK_EQUAL(SelectWith("/home/u/a/config", {.cluster = "zz"}).status().message(),
                    "cluster \"zz\" does not exist");
  BOOST_CHECK_EQUAL(SelectWith("/home/u/a/config", {.user = "zz"}).status().message(),
                    "auth info \"zz\" does not exist");
  BOOST_CHECK(!SelectWith("/home/u/a/config", {.namespace_ = "Bad_NS"}).ok());
}

BOOST_AUTO_TEST_CASE(server_flag_clears_tls_server_name_and_insecure_clears_ca) {
  auto cc = SelectWith(ListOf({"/home/u/b/config", "/home/u/a/config"}), {.context = "a", .cluster = "shared"});
  BOOST_CHECK_EQUAL(cc->tls_server_name, "from-b");
  auto moved = SelectWith(ListOf({"/home/u/b/config", "/home/u/a/config"}),
                          {.context = "a", .cluster = "shared", .server = "https://other:1"});
  BOOST_CHECK_EQUAL(moved->tls_server_name, "");
  BOOST_CHECK_EQUAL(moved->server, "https://other:1");
  auto insecure = SelectWith("/home/u/a/config", {.insecure_skip_tls_verify = true});
  BOOST_REQUIRE(insecure.ok());
  BOOST_CHECK_EQUAL(insecure->ca_pem, "");
  BOOST_CHECK(insecure->insecure_skip_tls_verify);
}

BOOST_AUTO_TEST_CASE(token_flag_replaces_token_file_and_exec) {
  fs.Add("/k", R"(
current-context: c
clusters: [{name: c, cluster: {server: "https://x"}}]
users: [{name: u, user: {tokenFile: tok, exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: plug}}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
)");
  auto env = EnvOf({});
  auto c = Load({"/k"}, fs, env);
  BOOST_REQUIRE(c.ok());
  auto plain = Select(*c, {}, fs, env);
  BOOST_REQUIRE(plain.ok());
  BOOST_CHECK_EQUAL(plain->token_file, Native("/tok"));
  // As client-go: a token file is token auth, so the exec plugin is not used.
  BOOST_CHECK(!plain->exec.has_value());
  auto flagged = Select(*c, {.token = "t"}, fs, env);
  BOOST_CHECK_EQUAL(flagged->token, "t");
  BOOST_CHECK_EQUAL(flagged->token_file, "");
  BOOST_CHECK(!flagged->exec.has_value());
}

// Regression (client-go parity): an exec plugin ran although the user had a
// client certificate; client-go's exec Authenticator steps aside for token,
// basic or certificate auth (exec.go UpdateTransportConfig).
BOOST_AUTO_TEST_CASE(exec_is_not_used_beside_a_client_certificate) {
  fs.Add("/k", R"(
current-context: c
clusters: [{name: c, cluster: {server: "https://x"}}]
users:
- {name: cert, user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ, exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: plug}}}
- {name: only, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: plug}}}
contexts: [{name: c, context: {cluster: c, user: cert}}, {name: o, context: {cluster: c, user: only}}]
)");
  auto env = EnvOf({});
  auto c = Load({"/k"}, fs, env);
  BOOST_REQUIRE(c.ok());
  auto cert = Select(*c, {}, fs, env);
  BOOST_REQUIRE(cert.ok());
  BOOST_CHECK_EQUAL(cert->client_cert_pem, "CERT");
  BOOST_CHECK(!cert->exec.has_value());
  auto only = Select(*c, {.context = "o"}, fs, env);
  BOOST_REQUIRE(only.ok());
  BOOST_REQUIRE(only->exec.has_value());
  BOOST_CHECK_EQUAL(only->exec->interactive_mode, "IfAvailable");  // v1beta1 default
}

BOOST_AUTO_TEST_CASE(data_fields_are_decoded) {
  std::string doc = "current-context: c\nclusters: [{name: c, cluster: {server: 'https://x', certificate-authority-data: " +
                    Base64Encode("PEM-CA") + "}}]\nusers: [{name: u, user: {client-certificate-data: " +
                    Base64Encode("PEM-CERT") + ", client-key-data: " + Base64Encode("PEM-KEY") +
                    "}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n";
  fs.Add("/d", doc);
  auto env = EnvOf({});
  auto cc = Select(*Load({"/d"}, fs, env), {}, fs, env);
  BOOST_REQUIRE(cc.ok());
  BOOST_CHECK_EQUAL(cc->ca_pem, "PEM-CA");
  BOOST_CHECK_EQUAL(cc->client_cert_pem, "PEM-CERT");
  BOOST_CHECK_EQUAL(cc->client_key_pem, "PEM-KEY");
}

BOOST_AUTO_TEST_CASE(validation_errors_name_the_problem) {
  struct Case { const char* user_or_cluster; const char* want; };
  auto run = [&](const std::string& cluster, const std::string& user) {
    fs.Add("/v", "current-context: c\nclusters: [{name: c, cluster: " + cluster + "}]\nusers: [{name: u, user: " + user +
                     "}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n");
    auto env = EnvOf({});
    auto c = Load({"/v"}, fs, env);
    if (!c.ok()) return c.status().message();
    return Select(*c, {}, fs, env).status().message();
  };
  auto contains = [](const std::string& s, const std::string& part) {
    BOOST_TEST_CONTEXT(s) { BOOST_CHECK(s.find(part) != std::string::npos); }
  };
  contains(run("{server: 'https://x', certificate-authority: /a, certificate-authority-data: QQ==}", "{}"),
           "certificate-authority-data and certificate-authority are both specified");
  contains(run("{server: 'https://x'}", "{client-certificate-data: QQ==}"),
           "client-certificate and client-key must both be specified");
  contains(run("{server: 'https://x'}", "{token: t, username: a, password: b}"),
           "more than one authentication method found for u");
  contains(run("{}", "{}"), "no configuration has been provided: cluster \"c\" is empty");
  contains(run("{insecure-skip-tls-verify: true}", "{}"), "no server found for cluster \"c\"");
  contains(run("{server: 'https://x', proxy-url: 'ftp://p'}", "{}"), "must use http, https or socks5");
  contains(run("{server: 'https://x'}", "{exec: {apiVersion: client.authentication.k8s.io/v1, command: p}}"),
           "interactiveMode must be specified for u");
  contains(run("{server: 'https://x'}", "{exec: {command: p}}"), "apiVersion must be specified for u");
  contains(run("{server: 'https://x'}", "{auth-provider: {name: azure}}"), "kubelogin");
  contains(run("{server: 'https://x'}", "{auth-provider: {name: gcp}}"), "gke-gcloud-auth-plugin");
  contains(run("{server: 'https://x', insecure-skip-tls-verify: true, certificate-authority-data: QQ==}", "{}"),
           "specifying a root certificates file with the insecure flag is not allowed");
}

BOOST_AUTO_TEST_CASE(duplicate_names_in_one_file_are_an_error) {
  fs.Add("/dup", "clusters: [{name: x, cluster: {server: a}}, {name: x, cluster: {server: b}}]\n");
  auto c = Load({"/dup"}, fs, EnvOf({}));
  BOOST_REQUIRE(!c.ok());
  BOOST_CHECK(c.status().message().find("duplicate name \"x\" in list") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_yaml_names_the_file) {
  fs.Add("/bad", "clusters: [\n  - {name: x\n");
  auto c = Load({"/bad"}, fs, EnvOf({}));
  BOOST_REQUIRE(!c.ok());
  BOOST_CHECK(c.status().message().rfind("error loading config file \"/bad\"", 0) == 0);
}

BOOST_AUTO_TEST_CASE(empty_config_uses_in_cluster_service_account) {
  fs.Add("/var/run/secrets/kubernetes.io/serviceaccount/token", "sa-token");
  fs.Add("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", "SA-CA");
  fs.Add("/var/run/secrets/kubernetes.io/serviceaccount/namespace", "ml\n");
  auto env = EnvOf({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "443"}});
  auto cc = Select(Config{}, {}, fs, env);
  BOOST_REQUIRE_MESSAGE(cc.ok(), cc.status().message());
  BOOST_CHECK_EQUAL(cc->server, "https://[fd00::1]:443");
  BOOST_CHECK_EQUAL(cc->token_file, "/var/run/secrets/kubernetes.io/serviceaccount/token");
  BOOST_CHECK_EQUAL(cc->ca_pem, "SA-CA");
  BOOST_CHECK_EQUAL(cc->namespace_, "ml");
  auto none = Select(Config{}, {}, fs, EnvOf({}));
  BOOST_CHECK(none.status().message().rfind("no configuration has been provided", 0) == 0);
  // Regression: --as was silently dropped in-cluster (client-go's
  // inClusterClientConfig ignores it); now it is refused in one line.
  auto as = Select(Config{}, {.as = "jane"}, fs, env);
  BOOST_REQUIRE(!as.ok());
  BOOST_CHECK_EQUAL(as.status().message(), "--as needs a kubeconfig: the in-cluster configuration takes only "
                                           "--server, --token, --certificate-authority and -n");
}

BOOST_AUTO_TEST_CASE(exec_command_path_resolution_and_cluster_info) {
  fs.Add("/cfg/k", R"(
current-context: c
clusters:
- name: c
  cluster:
    server: "https://x:6443"
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: lm}
users:
- name: rel
  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/plug, interactiveMode: Never, provideClusterInfo: true}}
- name: bare
  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: plug, interactiveMode: Never}}
contexts:
- {name: c, context: {cluster: c, user: rel}}
- {name: d, context: {cluster: c, user: bare}}
)");
  auto env = EnvOf({});
  auto c = Load({"/cfg/k"}, fs, env);
  BOOST_REQUIRE(c.ok());
  auto rel = Select(*c, {}, fs, env);
  BOOST_REQUIRE(rel.ok());
  BOOST_CHECK_EQUAL(rel->exec->command, Native("/cfg/bin/plug"));
  BOOST_CHECK_EQUAL(rel->exec_cluster_json, R"({"server":"https://x:6443","config":{"audience":"lm"}})");
  auto bare = Select(*c, {.context = "d"}, fs, env);
  BOOST_CHECK_EQUAL(bare->exec->command, "plug");
}

BOOST_AUTO_TEST_SUITE_END()
