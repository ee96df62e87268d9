// Selection half of kube/kubeconfig.h: the chosen context, the flags that
// override it, validation with client-go's wording, and the in-cluster
// fallback. Loading and merging are in kubeconfig.cpp.
#include "kube/kubeconfig.h"
#include "kube/names.h"

#include <boost/json.hpp>

#include "kube/base64.h"

namespace kube {
namespace {

constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";

Result<std::string> ReadPem(const FileSystem& fs, const std::string& path, const std::string& what) {
  auto r = fs.Read(path);
  if (!r.ok()) return Status(Kind::kInvalidConfig, "unable to read " + what + " " + path + ": " + r.status().message());
  return r;
}

// A kubeconfig PEM field: the inline *-data when set, else the file it names
// ("" when neither is set).
Result<std::string> DataOrFile(const FileSystem& fs, const std::string& data, const std::string& path,
                               const std::string& what) {
  if (!data.empty() || path.empty()) return data;
  return ReadPem(fs, path, what);
}

bool Empty(const Config& c) {
  return c.clusters.empty() && c.users.empty() && c.contexts.empty() && c.current_context.empty();
}

// client-go's inClusterClientConfig.Possible(): the pod's service account
// is mounted and the service's address is in the environment.
bool InClusterPossible(const FileSystem& fs, const Getenv& env) {
  auto host = env("KUBERNETES_SERVICE_HOST");
  auto port = env("KUBERNETES_SERVICE_PORT");
  return host && port && !host->empty() && !port->empty() && fs.Exists(std::string(kServiceAccountDir) + "/token");
}

// client-go's inClusterClientConfig, used where the kubeconfig selects an
// empty cluster and InClusterPossible().
Result<ClientConfig> InCluster(const Overrides& o, const FileSystem& fs, const Getenv& env) {
  std::string host = env("KUBERNETES_SERVICE_HOST").value_or("");
  std::string port = env("KUBERNETES_SERVICE_PORT").value_or("");
  std::string token_file = std::string(kServiceAccountDir) + "/token";
  // client-go's inClusterClientConfig takes only a server, a token and a
  // CA from the flags (a --server never gets here: the cluster is not
  // empty) and drops the rest without a word (kubectl, whose default config
  // differs from in-cluster once --as is set, instead tries localhost:8080).
  // Neither does what was asked: say so.
  for (const auto& [flag, set] : {std::pair{"--as", !o.as.empty()}, {"--as-uid", !o.as_uid.empty()},
                                  {"--as-group", !o.as_groups.empty()}, {"--as-user-extra", !o.as_user_extra.empty()}, {"--username", !o.username.empty()},
                                  {"--password", !o.password.empty()}, {"--client-certificate", !o.client_certificate.empty()},
                                  {"--client-key", !o.client_key.empty()}}) {
    if (set) {
      return Status(Kind::kInvalidConfig, std::string(flag) + " needs a kubeconfig: the in-cluster configuration "
                                                              "takes only --server, --token, --certificate-authority and -n");
    }
  }
  ClientConfig cc;
  bool v6 = host.find(':') != std::string::npos;
  cc.server = "https://" + (v6 ? "[" + host + "]" : host) + ":" + port;
  cc.token_file = token_file;
  auto ca = fs.Read(std::string(kServiceAccountDir) + "/ca.crt");
  if (ca.ok()) cc.ca_pem = *ca;
  if (auto ns = env("POD_NAMESPACE"); ns && !ns->empty()) {
    cc.namespace_ = *ns;
  } else if (auto f = fs.Read(std::string(kServiceAccountDir) + "/namespace"); f.ok() && !f->empty()) {
    cc.namespace_ = *f;
    while (!cc.namespace_.empty() && isspace((unsigned char)cc.namespace_.back())) cc.namespace_.pop_back();
  }
  if (!o.token.empty()) { cc.token = o.token; cc.token_file.clear(); }
  if (!o.certificate_authority.empty()) {
    auto pem = ReadPem(fs, o.certificate_authority, "certificate-authority");
    if (!pem.ok()) return pem.status();
    cc.ca_pem = *pem;
  }
  if (!o.namespace_.empty()) { cc.namespace_ = o.namespace_; cc.namespace_from_flag = true; }
  return cc;
}

// The context to use, with --cluster and --user applied.
Result<Context> PickContext(const Config& config, const Overrides& o, const std::string& context_name) {
  Context ctx;
  if (!context_name.empty()) {
    auto it = config.contexts.find(context_name);
    if (it != config.contexts.end()) {
      ctx = it->second;
    } else if (!o.context.empty()) {
      return Status(Kind::kInvalidConfig, "context \"" + context_name +
                                              "\" does not exist (see kubectl config get-contexts)");
    } else if (o.cluster.empty() && o.server.empty()) {
      return Status(Kind::kInvalidConfig, "invalid configuration: context was not found for specified context: " +
                                              context_name + " (run kubectl config use-context)");
    }
  }
  if (!o.cluster.empty()) {
    if (!config.clusters.count(o.cluster)) return Status(Kind::kInvalidConfig, "cluster \"" + o.cluster + "\" does not exist");
    ctx.cluster = o.cluster;
  }
  if (!o.user.empty()) {
    if (!config.users.count(o.user)) return Status(Kind::kInvalidConfig, "auth info \"" + o.user + "\" does not exist");
    ctx.user = o.user;
  }
  // A context naming a cluster or user that is not there: kubectl goes on
  // with an empty one (no server: "no configuration has been provided"; no
  // user: anonymous requests). We refuse with clientcmd's own Validate()
  // wording instead, unless flags supply what is missing.
  bool credential_flag = !o.token.empty() || !o.client_certificate.empty() || !o.username.empty();
  if (!ctx.cluster.empty() && !config.clusters.count(ctx.cluster) && o.server.empty()) {
    return Status(Kind::kInvalidConfig, "invalid configuration: cluster \"" + ctx.cluster +
                                            "\" was not found for context \"" + context_name + "\"");
  }
  if (!ctx.user.empty() && !config.users.count(ctx.user) && !credential_flag) {
    return Status(Kind::kInvalidConfig, "invalid configuration: user \"" + ctx.user + "\" was not found for context \"" +
                                            context_name + "\"");
  }
  return ctx;
}

// Cluster overrides, with clientcmd's side effects (client_config.go).
void OverrideCluster(Cluster& cl, const Overrides& o) {
  if (!o.server.empty()) {
    cl.server = o.server;
    cl.tls_server_name.clear();  // a new server makes the old name meaningless
  }
  if (!o.tls_server_name.empty()) cl.tls_server_name = o.tls_server_name;
  if (o.insecure_skip_tls_verify.has_value()) {
    cl.insecure_skip_tls_verify = *o.insecure_skip_tls_verify;
    if (*o.insecure_skip_tls_verify) { cl.certificate_authority.clear(); cl.certificate_authority_data.clear(); }
  }
  if (!o.certificate_authority.empty()) {
    cl.certificate_authority = o.certificate_authority;
    cl.certificate_authority_data.clear();
  }
  if (!cl.server.empty() && cl.server.rfind("https://", 0) != 0 && cl.server.rfind("http://", 0) != 0) {
    cl.server = "https://" + cl.server;  // client-go defaults a bare host:port to https
  }
}

// clientcmd's ErrEmptyCluster: nothing at all is set for the cluster.
bool EmptyCluster(const Cluster& cl) {
  return cl.server.empty() && cl.tls_server_name.empty() && !cl.insecure_skip_tls_verify &&
         cl.certificate_authority.empty() && cl.certificate_authority_data.empty() && cl.proxy_url.empty() &&
         !cl.disable_compression && cl.exec_extension_json.empty();
}

// clientcmd's validation.go for one cluster.
Status ValidateCluster(const Cluster& cl, const std::string& name) {
  if (cl.server.empty()) {
    std::string what = name.empty() ? "the current context" : "cluster \"" + name + "\"";
    return Status(Kind::kInvalidConfig, "invalid configuration: no server found for " + what +
                                            " (set clusters[].cluster.server or pass --server)");
  }
  if (!cl.certificate_authority.empty() && !cl.certificate_authority_data.empty()) {
    return Status(Kind::kInvalidConfig, "invalid configuration: certificate-authority-data and certificate-authority "
                                        "are both specified for " + name + ": keep only one");
  }
  if (cl.insecure_skip_tls_verify && (!cl.certificate_authority.empty() || !cl.certificate_authority_data.empty())) {
    return Status(Kind::kInvalidConfig, "invalid configuration: specifying a root certificates file with the insecure "
                                        "flag is not allowed (remove insecure-skip-tls-verify or the CA)");
  }
  if (!cl.proxy_url.empty()) {
    auto scheme = cl.proxy_url.substr(0, cl.proxy_url.find("://"));
    if (scheme != "http" && scheme != "https" && scheme != "socks5") {
      return Status(Kind::kInvalidConfig, "invalid configuration: proxy-url \"" + cl.proxy_url +
                                              "\" for cluster " + name + " must use http, https or socks5");
    }
  }
  return Status::Ok();
}

// User overrides: an explicit credential flag replaces the file's.
void OverrideUser(AuthInfo& u, const Overrides& o) {
  if (!o.token.empty()) { u.token = o.token; u.token_file.clear(); }
  if (!o.client_certificate.empty()) { u.client_certificate = o.client_certificate; u.client_certificate_data.clear(); }
  if (!o.client_key.empty()) { u.client_key = o.client_key; u.client_key_data.clear(); }
  if (!o.username.empty()) u.username = o.username;
  if (!o.password.empty()) u.password = o.password;
  if (!o.as.empty()) u.impersonate.as = o.as;
  if (!o.as_uid.empty()) u.impersonate.as_uid = o.as_uid;
  if (!o.as_groups.empty()) u.impersonate.as_groups = o.as_groups;
  if (!o.as_user_extra.empty()) u.impersonate.as_user_extra = o.as_user_extra;
}

Status ValidateAuthProvider(const AuthInfo& u, const std::string& uname) {
  if (u.exec && !u.auth_provider.empty()) {
    return Status(Kind::kInvalidConfig, "invalid configuration: authProvider cannot be provided in combination with an "
                                        "exec plugin for " + uname);
  }
  if (u.auth_provider == "azure") {
    return Status(Kind::kInvalidConfig, "the azure auth plugin has been removed: use kubelogin "
                                        "(https://azure.github.io/kubelogin/) and run kubelogin convert-kubeconfig");
  }
  if (u.auth_provider == "gcp") {
    return Status(Kind::kInvalidConfig, "the gcp auth plugin has been removed: install gke-gcloud-auth-plugin and "
                                        "run gcloud container clusters get-credentials");
  }
  if (!u.auth_provider.empty()) {
    return Status(Kind::kInvalidConfig, "auth-provider \"" + u.auth_provider + "\" of user " + uname +
                                            " is not supported: use an exec credential plugin");
  }
  return Status::Ok();
}

bool DefaultsInteractiveMode(const std::string& api_version) {
  return api_version == "client.authentication.k8s.io/v1beta1" || api_version == "client.authentication.k8s.io/v1alpha1";
}

Status ValidateExec(const ExecConfig& e, const std::string& uname) {
  if (e.command.empty()) return Status(Kind::kInvalidConfig, "invalid configuration: command must be specified for " + uname + " to use exec authentication plugin");
  if (e.api_version.empty()) return Status(Kind::kInvalidConfig, "invalid configuration: apiVersion must be specified for " + uname + " to use exec authentication plugin");
  for (const auto& [name, value] : e.env) {
    if (name.empty()) {
      return Status(Kind::kInvalidConfig, "invalid configuration: env variable name must be specified for " + uname +
                                              " to use exec authentication plugin");
    }
  }
  if (!e.interactive_mode.empty() && e.interactive_mode != "Never" && e.interactive_mode != "IfAvailable" &&
      e.interactive_mode != "Always") {
    return Status(Kind::kInvalidConfig, "invalid configuration: invalid interactiveMode for " + uname + ": \"" +
                                            e.interactive_mode + "\" (use Never, IfAvailable or Always)");
  }
  // Only the two old versions default a missing mode, to IfAvailable
  // (clientcmd/api/v1/defaults.go SetDefaults_ExecConfig).
  if (e.interactive_mode.empty() && !DefaultsInteractiveMode(e.api_version)) {
    return Status(Kind::kInvalidConfig, "invalid configuration: interactiveMode must be specified for " + uname +
                                            " to use exec authentication plugin");
  }
  return Status::Ok();
}

// clientcmd's validation.go for one user.
Status ValidateUser(const AuthInfo& u, const std::string& uname) {
  Status s = ValidateAuthProvider(u, uname);
  if (!s.ok()) return s;
  if (!u.client_certificate.empty() && !u.client_certificate_data.empty()) {
    return Status(Kind::kInvalidConfig, "invalid configuration: client-cert-data and client-cert are both specified for " +
                                            uname + ": keep only one");
  }
  if (!u.client_key.empty() && !u.client_key_data.empty()) {
    return Status(Kind::kInvalidConfig, "invalid configuration: client-key-data and client-key are both specified for " +
                                            uname + ": keep only one");
  }
  const Impersonation& im = u.impersonate;
  if (im.as.empty() && (!im.as_uid.empty() || !im.as_groups.empty() || !im.as_user_extra.empty())) {
    return Status(Kind::kInvalidConfig, "invalid configuration: requesting uid, groups or user-extra for " + uname +
                                            " without impersonating a user (set as or --as)");
  }
  bool has_cert = !u.client_certificate.empty() || !u.client_certificate_data.empty();
  bool has_key = !u.client_key.empty() || !u.client_key_data.empty();
  if (has_cert != has_key) {
    return Status(Kind::kInvalidConfig, "invalid configuration: client-certificate and client-key must both be "
                                        "specified for " + uname + " to use client certificates");
  }
  bool has_token = !u.token.empty() || !u.token_file.empty();
  bool has_basic = !u.username.empty() || !u.password.empty();
  if (has_token && has_basic) {
    return Status(Kind::kInvalidConfig, "invalid configuration: more than one authentication method found for " +
                                            uname + "; found [token basicAuth], only one is allowed");
  }
  return u.exec ? ValidateExec(*u.exec, uname) : Status::Ok();
}

// The cluster as an exec plugin sees it with provideClusterInfo.
std::string ExecClusterJson(const Cluster& cl, const std::string& ca_pem) {
  boost::json::object c;
  c["server"] = cl.server;
  if (!cl.tls_server_name.empty()) c["tls-server-name"] = cl.tls_server_name;
  if (cl.insecure_skip_tls_verify) c["insecure-skip-tls-verify"] = true;
  if (!ca_pem.empty()) c["certificate-authority-data"] = Base64Encode(ca_pem);
  if (!cl.proxy_url.empty()) c["proxy-url"] = cl.proxy_url;
  if (cl.disable_compression) c["disable-compression"] = true;
  if (!cl.exec_extension_json.empty()) {
    boost::system::error_code ec;
    boost::json::value config = boost::json::parse(cl.exec_extension_json, ec);
    if (!ec) c["config"] = std::move(config);
  }
  return boost::json::serialize(c);
}

Status FillCluster(ClientConfig& cc, const Cluster& cl, const FileSystem& fs) {
  cc.server = cl.server;
  cc.tls_server_name = cl.tls_server_name;
  cc.insecure_skip_tls_verify = cl.insecure_skip_tls_verify;
  cc.proxy_url = cl.proxy_url;
  auto ca = DataOrFile(fs, cl.certificate_authority_data, cl.certificate_authority, "certificate-authority");
  if (!ca.ok()) return ca.status();
  cc.ca_pem = *ca;
  return Status::Ok();
}

Status FillUser(ClientConfig& cc, const AuthInfo& u, const Cluster& cl, const Overrides& o, const FileSystem& fs) {
  if (!u.client_certificate.empty() || !u.client_certificate_data.empty()) {
    auto cert = DataOrFile(fs, u.client_certificate_data, u.client_certificate, "client-certificate");
    if (!cert.ok()) return cert.status();
    auto key = DataOrFile(fs, u.client_key_data, u.client_key, "client-key");
    if (!key.ok()) return key.status();
    cc.client_cert_pem = *cert;
    cc.client_key_pem = *key;
  }
  cc.token = u.token;
  cc.token_file = u.token_file;
  cc.username = u.username;
  cc.password = u.password;
  cc.impersonate = u.impersonate;
  // A token, basic auth or a client certificate, from the kubeconfig or a
  // flag, takes the place of exec: client-go's exec Authenticator installs
  // nothing when the transport HasTokenAuth, HasBasicAuth or HasCertAuth
  // (plugin/pkg/client/auth/exec/exec.go, UpdateTransportConfig).
  bool other_auth = !cc.token.empty() || !cc.token_file.empty() || !cc.username.empty() || !cc.password.empty() ||
                    !cc.client_cert_pem.empty();
  if (u.exec && !other_auth) {
    cc.exec = u.exec;
    if (cc.exec->interactive_mode.empty()) cc.exec->interactive_mode = "IfAvailable";
    if (cc.exec->provide_cluster_info) cc.exec_cluster_json = ExecClusterJson(cl, cc.ca_pem);
  }
  return Status::Ok();
}

}  // namespace

Result<ClientConfig> Select(const Config& config, const Overrides& o, const FileSystem& fs, const Getenv& env) {
  if (!o.namespace_.empty() && !IsDnsLabel(o.namespace_)) {
    return Status(Kind::kInvalidConfig, "invalid namespace \"" + o.namespace_ +
                                            "\": a namespace must be a lowercase RFC 1123 label");
  }
  std::string context_name = o.context.empty() ? config.current_context : o.context;
  auto ctx = PickContext(config, o, context_name);
  if (!ctx.ok()) return ctx.status();

  Cluster cl;
  if (auto it = config.clusters.find(ctx->cluster); it != config.clusters.end()) cl = it->second;
  OverrideCluster(cl, o);
  // An empty cluster is client-go's ErrEmptyConfig, after which
  // DeferredLoadingClientConfig uses the pod's service account if it can.
  if (EmptyCluster(cl)) {
    if (InClusterPossible(fs, env)) return InCluster(o, fs, env);
    return Status(Kind::kInvalidConfig,
                  "no configuration has been provided: " +
                      (Empty(config) ? std::string("set KUBECONFIG, pass --kubeconfig, or create ~/.kube/config")
                       : ctx->cluster.empty() ? "the context \"" + context_name + "\" names no cluster (or pass --server)"
                                              : "cluster \"" + ctx->cluster + "\" is empty (or pass --server)"));
  }
  Status s = ValidateCluster(cl, ctx->cluster);
  if (!s.ok()) return s;
  ClientConfig cc;
  cc.context_name = context_name;
  if (s = FillCluster(cc, cl, fs); !s.ok()) return s;  // reads the CA file

  AuthInfo u;
  if (auto it = config.users.find(ctx->user); it != config.users.end()) u = it->second;
  OverrideUser(u, o);
  s = ValidateUser(u, ctx->user.empty() ? "the current user" : ctx->user);
  if (!s.ok()) return s;
  if (s = FillUser(cc, u, cl, o, fs); !s.ok()) return s;
  if (!o.namespace_.empty()) {
    cc.namespace_ = o.namespace_;
    cc.namespace_from_flag = true;
  } else if (!ctx->namespace_.empty()) {
    if (!IsDnsLabel(ctx->namespace_)) {
      return Status(Kind::kInvalidConfig, "invalid configuration: namespace \"" + ctx->namespace_ + "\" of context " +
                                              context_name + " is not a valid namespace name");
    }
    cc.namespace_ = ctx->namespace_;
  }
  return cc;
}

}  // namespace kube
