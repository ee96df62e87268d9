#include "kube/kubeconfig.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "kube/base64.h"
#include "kube/yaml_json.h"

namespace kube {
namespace {

constexpr char kExecExtension[] = "client.authentication.k8s.io/exec";

std::string Str(const YAML::Node& n, const char* key) {
  YAML::Node v = n[key];
  return v && v.IsScalar() ? v.as<std::string>() : std::string();
}

bool Bool(const YAML::Node& n, const char* key) {
  YAML::Node v = n[key];
  return v && v.IsScalar() && v.as<bool>(false);
}

// client-go resolves a relative path against the directory of the file that
// defined it (loader.go ResolvePaths), not against the working directory.
// Where relative paths in one file resolve: its directory, and $HOME for "~".
struct PathBase {
  std::string dir, home;
};

std::string Resolve(const PathBase& base, const std::string& path) {
  if (path.empty() || os::IsAbsolutePath(path)) return path;
  if (path[0] == '~' && (path.size() == 1 || os::IsPathSeparator(path[1]))) {
    return os::JoinPath(base.home, path.substr(1));
  }
  return os::JoinPath(base.dir, path);  // cleaned, as filepath.Join
}

Result<std::string> DecodeData(const std::string& b64, const std::string& field, const std::string& owner) {
  if (b64.empty()) return std::string();
  auto d = Base64Decode(b64);
  if (!d) return Status(Kind::kInvalidConfig, field + " of \"" + owner + "\" is not valid base64");
  return *d;
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

Result<Cluster> ParseCluster(const std::string& name, const YAML::Node& n, const PathBase& dir) {
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
  Status s = ForEachNamed(n, "extensions", "extension", [&](const std::string& ext_name, const YAML::Node& e) {
    if (ext_name != kExecExtension) return Status::Ok();
    auto v = YamlToJson(e);
    if (!v.ok()) return v.status().WithContext("extension " + ext_name + " of cluster \"" + name + "\"");
    cl.exec_extension_json = boost::json::serialize(*v);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return cl;
}

ExecConfig ParseExec(const YAML::Node& ex, const PathBase& dir) {
  ExecConfig e;
  e.command = Str(ex, "command");
  // A bare name is looked up on PATH; only a path is resolved (loader.go).
  if (std::any_of(e.command.begin(), e.command.end(), os::IsPathSeparator)) e.command = Resolve(dir, e.command);
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
  return e;
}

Result<AuthInfo> ParseUser(const std::string& name, const YAML::Node& n, const PathBase& dir) {
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
  u.impersonate.as = Str(n, "as");
  u.impersonate.as_uid = Str(n, "as-uid");
  if (YAML::Node g = n["as-groups"]; g && g.IsSequence()) {
    for (auto x : g) u.impersonate.as_groups.push_back(x.as<std::string>());
  }
  if (YAML::Node extra = n["as-user-extra"]; extra && extra.IsMap()) {
    for (auto kv : extra) {
      auto& values = u.impersonate.as_user_extra[kv.first.Scalar()];
      if (kv.second.IsSequence()) {
        for (auto x : kv.second) values.push_back(x.Scalar());
      }
    }
  }
  if (YAML::Node ap = n["auth-provider"]; ap && ap.IsMap()) u.auth_provider = Str(ap, "name");
  if (YAML::Node ex = n["exec"]; ex && ex.IsMap()) u.exec = ParseExec(ex, dir);
  return u;
}

Result<Config> ParseDocument(const YAML::Node& root, const PathBase& dir) {
  Config c;
  if (!root || root.IsNull()) return c;  // an empty file is an empty config
  if (!root.IsMap()) return Status(Kind::kInvalidConfig, "not a kubeconfig: the document is not a mapping");
  c.current_context = Str(root, "current-context");
  auto ignore = [](const std::string&, const YAML::Node&) { return Status::Ok(); };
  if (Status s = ForEachNamed(root, "extensions", "extension", ignore); !s.ok()) return s;
  Status s = ForEachNamed(root, "clusters", "cluster", [&](const std::string& name, const YAML::Node& n) {
    auto cl = ParseCluster(name, n, dir);
    if (cl.ok()) c.clusters.emplace(name, std::move(*cl));
    return cl.status();
  });
  if (!s.ok()) return s;
  s = ForEachNamed(root, "users", "user", [&](const std::string& name, const YAML::Node& n) {
    auto u = ParseUser(name, n, dir);
    if (u.ok()) c.users.emplace(name, std::move(*u));
    return u.status();
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
  while (std::getline(in, item, os::kListSeparator)) {
    if (!item.empty() && seen.insert(item).second) out.push_back(item);
  }
  return out;
}

}  // namespace

Environ ProcessEnviron() {
  return [] { return os::Environment(); };
}

Getenv ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> ParseConfig(const std::string& yaml, const std::string& source, const std::string& dir,
                           const std::string& home) {
  // yaml-cpp reports errors by exception; they stop here.
  try {
    auto r = ParseDocument(YAML::Load(yaml), PathBase{dir, home});
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
  const std::string home = os::HomeDir(env, fs);  // the default file's place, and "~" in paths
  std::vector<std::string> files;
  bool must_exist = false;
  if (!options.explicit_path.empty()) {
    files.push_back(options.explicit_path);
    must_exist = true;
  } else if (auto list = env("KUBECONFIG"); list && !list->empty()) {
    files = SplitList(*list);
  } else if (!home.empty()) {
    files.push_back(os::JoinPath(home, ".kube/config"));
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
    auto c = ParseConfig(*text, path, os::DirName(path), home);
    if (!c.ok()) return c.status();
    Merge(merged, *c);
  }
  return merged;
}

}  // namespace kube
