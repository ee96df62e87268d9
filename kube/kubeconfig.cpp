#include "kube/kubeconfig.h"

#include <cstdlib>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "kube/base64.h"

namespace kube {
namespace {

constexpr char kExecExtension[] = "client.authentication.k8s.io/exec";
constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";

std::string Str(const YAML::Node& n, const char* key) {
  YAML::Node v = n[key];
  return v && v.IsScalar() ? v.as<std::string>() : std::string();
}

bool Bool(const YAML::Node& n, const char* key) {
  YAML::Node v = n[key];
  return v && v.IsScalar() && v.as<bool>(false);
}

std::string Dir(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// client-go resolves a relative path against the directory of the file that
// defined it (loader.go ResolvePaths), not against the working directory.
std::string Resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  if (path[0] == '~' && (path.size() == 1 || path[1] == '/')) {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "") + path.substr(1);
  }
  return dir.back() == '/' ? dir + path : dir + "/" + path;
}

Result<std::string> DecodeData(const std::string& b64, const std::string& field, const std::string& owner) {
  if (b64.empty()) return std::string();
  auto d = Base64Decode(b64);
  if (!d) return Status(Kind::kInvalidConfig, field + " of \"" + owner + "\" is not valid base64");
  return *d;
}

// YAML to JSON, for the opaque exec extension handed to exec plugins.
boost::json::value ToJson(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      boost::json::object o;
      for (auto it : n) o[it.first.as<std::string>()] = ToJson(it.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      boost::json::array a;
      for (auto it : n) a.push_back(ToJson(it));
      return a;
    }
    case YAML::NodeType::Scalar: return boost::json::string(n.as<std::string>());
    default: return nullptr;
  }
}

// Each named list must not repeat a name (clientcmd/api/v1/conversion.go).
template <class F>
Status ForEachNamed(const YAML::Node& root, const char* list, const char* item, F&& f) {
  YAML::Node seq = root[list];
  if (!seq || seq.IsNull()) return Status::Ok();
  if (!seq.IsSequence()) return Status(Kind::kInvalidConfig, std::string(list) + " must be a list");
  std::set<std::string> seen;
  for (auto entry : seq) {
    std::string name = Str(entry, "name");
    if (!seen.insert(name).second) {
      return Status(Kind::kInvalidConfig, "duplicate name \"" + name + "\" in list: " + list);
    }
    Status s = f(name, entry[item] ? entry[item] : YAML::Node(YAML::NodeType::Map));
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<Config> ParseDocument(const YAML::Node& root, const std::string& dir) {
  Config c;
  if (!root || root.IsNull()) return c;  // an empty file is an empty config
  if (!root.IsMap()) return Status(Kind::kInvalidConfig, "not a kubeconfig: the document is not a mapping");
  c.current_context = Str(root, "current-context");

  Status s = ForEachNamed(root, "clusters", "cluster", [&](const std::string& name, const YAML::Node& n) {
    Cluster cl;
    cl.server = Str(n, "server");
    cl.tls_server_name = Str(n, "tls-server-name");
    cl.insecure_skip_tls_verify = Bool(n, "insecure-skip-tls-verify");
    cl.certificate_authority = Resolve(dir, Str(n, "certificate-authority"));
    auto ca = DecodeData(Str(n, "certificate-authority-data"), "certificate-authority-data", name);
    if (!ca.ok()) return ca.status();
    cl.certificate_authority_data = *ca;
    cl.proxy_url = Str(n, "proxy-url");
    cl.disable_compression = Bool(n, "disable-compression");
    if (YAML::Node ext = n["extensions"]; ext && ext.IsSequence()) {
      for (auto e : ext) {
        if (Str(e, "name") == kExecExtension) cl.exec_extension_json = boost::json::serialize(ToJson(e["extension"]));
      }
    }
    c.clusters.emplace(name, std::move(cl));
    return Status::Ok();
  });
  if (!s.ok()) return s;

  s = ForEachNamed(root, "users", "user", [&](const std::string& name, const YAML::Node& n) {
    AuthInfo u;
    u.client_certificate = Resolve(dir, Str(n, "client-certificate"));
    u.client_key = Resolve(dir, Str(n, "client-key"));
    auto cert = DecodeData(Str(n, "client-certificate-data"), "client-certificate-data", name);
    if (!cert.ok()) return cert.status();
    auto key = DecodeData(Str(n, "client-key-data"), "client-key-data", name);
    if (!key.ok()) return key.status();
    u.client_certificate_data = *cert;
    u.client_key_data = *key;
    u.token = Str(n, "token");
    u.token_file = Resolve(dir, Str(n, "tokenFile"));
    u.username = Str(n, "username");
    u.password = Str(n, "password");
    u.as = Str(n, "as");
    u.as_uid = Str(n, "as-uid");
    if (YAML::Node g = n["as-groups"]; g && g.IsSequence()) {
      for (auto x : g) u.as_groups.push_back(x.as<std::string>());
    }
    if (YAML::Node ap = n["auth-provider"]; ap && ap.IsMap()) u.auth_provider = Str(ap, "name");
    if (YAML::Node ex = n["exec"]; ex && ex.IsMap()) {
      ExecConfig e;
      e.command = Str(ex, "command");
      // A bare name is looked up on PATH; only a path is resolved (loader.go).
      if (e.command.find('/') != std::string::npos) e.command = Resolve(dir, e.command);
      if (YAML::Node a = ex["args"]; a && a.IsSequence()) {
        for (auto x : a) e.args.push_back(x.as<std::string>());
      }
      if (YAML::Node en = ex["env"]; en && en.IsSequence()) {
        for (auto x : en) e.env.emplace_back(Str(x, "name"), Str(x, "value"));
      }
      e.api_version = Str(ex, "apiVersion");
      e.install_hint = Str(ex, "installHint");
      e.provide_cluster_info = Bool(ex, "provideClusterInfo");
      e.interactive_mode = Str(ex, "interactiveMode");
      u.exec = std::move(e);
    }
    c.users.emplace(name, std::move(u));
    return Status::Ok();
  });
  if (!s.ok()) return s;

  s = ForEachNamed(root, "contexts", "context", [&](const std::string& name, const YAML::Node& n) {
    c.contexts.emplace(name, Context{Str(n, "cluster"), Str(n, "user"), Str(n, "namespace")});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return c;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ':')) {
    if (!item.empty() && seen.insert(item).second) out.push_back(item);
  }
  return out;
}

Result<std::string> ReadPem(const FileSystem& fs, const std::string& path, const std::string& what) {
  auto r = fs.Read(path);
  if (!r.ok()) return Status(Kind::kInvalidConfig, "unable to read " + what + " " + path + ": " + r.status().message());
  return r;
}

bool Empty(const Config& c) {
  return c.clusters.empty() && c.users.empty() && c.contexts.empty() && c.current_context.empty();
}

// client-go's inClusterClientConfig: only when the kubeconfig gave nothing
// and the pod's service account is mounted.
Result<ClientConfig> InCluster(const Overrides& o, const FileSystem& fs, const Getenv& env) {
  auto host = env("KUBERNETES_SERVICE_HOST");
  auto port = env("KUBERNETES_SERVICE_PORT");
  std::string token_file = std::string(kServiceAccountDir) + "/token";
  if (!host || !port || host->empty() || port->empty() || !fs.Exists(token_file)) {
    return Status(Kind::kInvalidConfig,
                  "no configuration has been provided: set KUBECONFIG, pass --kubeconfig, or create ~/.kube/config");
  }
  ClientConfig cc;
  bool v6 = host->find(':') != std::string::npos;
  cc.server = "https://" + (v6 ? "[" + *host + "]" : *host) + ":" + *port;
  cc.token_file = token_file;
  auto ca = fs.Read(std::string(kServiceAccountDir) + "/ca.crt");
  if (ca.ok()) cc.ca_pem = *ca;
  if (auto ns = env("POD_NAMESPACE"); ns && !ns->empty()) {
    cc.namespace_ = *ns;
  } else if (auto f = fs.Read(std::string(kServiceAccountDir) + "/namespace"); f.ok() && !f->empty()) {
    cc.namespace_ = *f;
    while (!cc.namespace_.empty() && isspace((unsigned char)cc.namespace_.back())) cc.namespace_.pop_back();
  }
  if (!o.server.empty()) cc.server = o.server;
  if (!o.token.empty()) { cc.token = o.token; cc.token_file.clear(); }
  if (!o.certificate_authority.empty()) {
    auto pem = ReadPem(fs, o.certificate_authority, "certificate-authority");
    if (!pem.ok()) return pem.status();
    cc.ca_pem = *pem;
  }
  if (!o.namespace_.empty()) { cc.namespace_ = o.namespace_; cc.namespace_from_flag = true; }
  return cc;
}

}  // namespace

Getenv ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

bool IsDnsLabel(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(c == '-' && i != 0 && i + 1 != s.size())) return false;
  }
  return true;
}

Result<Config> ParseConfig(const std::string& yaml, const std::string& source, const std::string& dir) {
  // yaml-cpp reports errors by exception; they stop here.
  try {
    auto r = ParseDocument(YAML::Load(yaml), dir);
    if (!r.ok()) return r.status().WithContext("error loading config file \"" + source + "\"");
    return r;
  } catch (const YAML::Exception& e) {
    return Status(Kind::kInvalidConfig, "error loading config file \"" + source + "\": " + e.what());
  }
}

void Merge(Config& into, const Config& later) {
  // map::insert keeps an existing entry: the first file to name it wins whole.
  into.clusters.insert(later.clusters.begin(), later.clusters.end());
  into.users.insert(later.users.begin(), later.users.end());
  into.contexts.insert(later.contexts.begin(), later.contexts.end());
  if (into.current_context.empty()) into.current_context = later.current_context;
}

Result<Config> Load(const LoadOptions& options, const FileSystem& fs, const Getenv& env) {
  std::vector<std::string> files;
  bool must_exist = false;
  if (!options.explicit_path.empty()) {
    files.push_back(options.explicit_path);
    must_exist = true;
  } else if (auto list = env("KUBECONFIG"); list && !list->empty()) {
    files = SplitList(*list);
  } else if (auto home = env("HOME"); home && !home->empty()) {
    files.push_back(*home + "/.kube/config");
  }
  Config merged;
  for (const std::string& path : files) {
    auto text = fs.Read(path);
    if (!text.ok()) {
      if (text.status().kind() == Kind::kNotFound && !must_exist) continue;
      if (text.status().kind() == Kind::kNotFound) {
        return Status(Kind::kInvalidConfig, "stat " + path + ": no such file or directory (check --kubeconfig)");
      }
      return text.status();
    }
    auto c = ParseConfig(*text, path, Dir(path));
    if (!c.ok()) return c.status();
    Merge(merged, *c);
  }
  return merged;
}

Result<ClientConfig> Select(const Config& config, const Overrides& o, const FileSystem& fs, const Getenv& env) {
  if (!o.namespace_.empty() && !IsDnsLabel(o.namespace_)) {
    return Status(Kind::kInvalidConfig, "invalid namespace \"" + o.namespace_ +
                                            "\": a namespace must be a lowercase RFC 1123 label");
  }
  if (Empty(config) && o.context.empty() && o.cluster.empty() && o.user.empty() && o.server.empty()) {
    return InCluster(o, fs, env);
  }

  std::string context_name = o.context.empty() ? config.current_context : o.context;
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

  Cluster cl;
  if (auto it = config.clusters.find(ctx.cluster); it != config.clusters.end()) cl = it->second;
  AuthInfo u;
  if (auto it = config.users.find(ctx.user); it != config.users.end()) u = it->second;

  ClientConfig cc;
  cc.context_name = context_name;
  // Cluster overrides, with clientcmd's side effects (client_config.go).
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
  if (cl.server.empty()) {
    std::string what = ctx.cluster.empty() ? "the current context" : "cluster \"" + ctx.cluster + "\"";
    return Status(Kind::kInvalidConfig, "invalid configuration: no server found for " + what +
                                            " (set clusters[].cluster.server or pass --server)");
  }
  if (cl.server.rfind("https://", 0) != 0 && cl.server.rfind("http://", 0) != 0) {
    cl.server = "https://" + cl.server;  // client-go defaults a bare host:port to https
  }
  if (!cl.certificate_authority.empty() && !cl.certificate_authority_data.empty()) {
    return Status(Kind::kInvalidConfig, "invalid configuration: certificate-authority-data and certificate-authority "
                                        "are both specified for " + ctx.cluster + ": keep only one");
  }
  if (cl.insecure_skip_tls_verify && (!cl.certificate_authority.empty() || !cl.certificate_authority_data.empty())) {
    return Status(Kind::kInvalidConfig, "invalid configuration: specifying a root certificates file with the insecure "
                                        "flag is not allowed (remove insecure-skip-tls-verify or the CA)");
  }
  if (!cl.proxy_url.empty()) {
    auto scheme = cl.proxy_url.substr(0, cl.proxy_url.find("://"));
    if (scheme != "http" && scheme != "https" && scheme != "socks5") {
      return Status(Kind::kInvalidConfig, "invalid configuration: proxy-url \"" + cl.proxy_url +
                                              "\" for cluster " + ctx.cluster + " must use http, https or socks5");
    }
  }
  cc.server = cl.server;
  cc.tls_server_name = cl.tls_server_name;
  cc.insecure_skip_tls_verify = cl.insecure_skip_tls_verify;
  cc.proxy_url = cl.proxy_url;
  if (!cl.certificate_authority_data.empty()) {
    cc.ca_pem = cl.certificate_authority_data;
  } else if (!cl.certificate_authority.empty()) {
    auto pem = ReadPem(fs, cl.certificate_authority, "certificate-authority");
    if (!pem.ok()) return pem.status();
    cc.ca_pem = *pem;
  }

  // User overrides: an explicit credential flag replaces the file's.
  if (!o.token.empty()) { u.token = o.token; u.token_file.clear(); }
  if (!o.client_certificate.empty()) { u.client_certificate = o.client_certificate; u.client_certificate_data.clear(); }
  if (!o.client_key.empty()) { u.client_key = o.client_key; u.client_key_data.clear(); }
  if (!o.username.empty()) u.username = o.username;
  if (!o.password.empty()) u.password = o.password;
  if (!o.as.empty()) u.as = o.as;
  if (!o.as_uid.empty()) u.as_uid = o.as_uid;
  if (!o.as_groups.empty()) u.as_groups = o.as_groups;
  const std::string uname = ctx.user.empty() ? "the current user" : ctx.user;

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
  if (u.exec) {
    const ExecConfig& e = *u.exec;
    if (e.command.empty()) return Status(Kind::kInvalidConfig, "invalid configuration: exec command must be specified for " + uname);
    if (e.api_version.empty()) return Status(Kind::kInvalidConfig, "invalid configuration: exec apiVersion must be specified for " + uname);
    if (!e.interactive_mode.empty() && e.interactive_mode != "Never" && e.interactive_mode != "IfAvailable" &&
        e.interactive_mode != "Always") {
      return Status(Kind::kInvalidConfig, "invalid configuration: invalid interactiveMode for " + uname + ": " +
                                              e.interactive_mode + " (use Never, IfAvailable or Always)");
    }
    if (e.interactive_mode.empty() && e.api_version == "client.authentication.k8s.io/v1") {
      return Status(Kind::kInvalidConfig, "invalid configuration: interactiveMode must be specified for " + uname +
                                              " to use exec authentication plugin");
    }
  }
  if (has_cert) {
    if (!u.client_certificate_data.empty()) {
      cc.client_cert_pem = u.client_certificate_data;
    } else {
      auto pem = ReadPem(fs, u.client_certificate, "client-certificate");
      if (!pem.ok()) return pem.status();
      cc.client_cert_pem = *pem;
    }
    if (!u.client_key_data.empty()) {
      cc.client_key_pem = u.client_key_data;
    } else {
      auto pem = ReadPem(fs, u.client_key, "client-key");
      if (!pem.ok()) return pem.status();
      cc.client_key_pem = *pem;
    }
  }
  cc.token = u.token;
  cc.token_file = u.token_file;
  cc.username = u.username;
  cc.password = u.password;
  cc.as = u.as;
  cc.as_uid = u.as_uid;
  cc.as_groups = u.as_groups;
  // An explicit token, basic auth or certificate takes the place of exec.
  if (u.exec && o.token.empty() && o.username.empty() && o.client_certificate.empty()) {
    cc.exec = u.exec;
    if (cc.exec->interactive_mode.empty()) cc.exec->interactive_mode = "IfAvailable";
    if (cc.exec->provide_cluster_info) {
      boost::json::object c;
      c["server"] = cl.server;
      if (!cl.tls_server_name.empty()) c["tls-server-name"] = cl.tls_server_name;
      if (cl.insecure_skip_tls_verify) c["insecure-skip-tls-verify"] = true;
      if (!cc.ca_pem.empty()) c["certificate-authority-data"] = Base64Encode(cc.ca_pem);
      if (!cl.proxy_url.empty()) c["proxy-url"] = cl.proxy_url;
      if (cl.disable_compression) c["disable-compression"] = true;
      if (!cl.exec_extension_json.empty()) c["config"] = boost::json::parse(cl.exec_extension_json);
      cc.exec_cluster_json = boost::json::serialize(c);
    }
  }

  if (!o.namespace_.empty()) {
    cc.namespace_ = o.namespace_;
    cc.namespace_from_flag = true;
  } else if (!ctx.namespace_.empty()) {
    if (!IsDnsLabel(ctx.namespace_)) {
      return Status(Kind::kInvalidConfig, "invalid configuration: namespace \"" + ctx.namespace_ + "\" of context " +
                                              context_name + " is not a valid namespace name");
    }
    cc.namespace_ = ctx.namespace_;
  }
  return cc;
}

}  // namespace kube
