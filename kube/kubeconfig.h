// Kubeconfig loading, merging and selection with client-go's clientcmd rules.
//
//   Load()    reads the files (--kubeconfig alone, else the $KUBECONFIG list
//             merged, else ~/.kube/config) into one Config, with relative
//             paths resolved against the file that named them.
//   Select()  applies --context/--cluster/--user and the other overrides,
//             validates, and returns the ClientConfig a Client connects with;
//             it falls back to the in-cluster service account where
//             client-go does.
//
// Neither sends a request: every error here is about the configuration.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kube/filesystem.h"
#include "kube/os.h"
#include "kube/status.h"

namespace kube {

struct ExecConfig {
  std::string command;               // resolved to an absolute path when it has a '/'
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string api_version;           // client.authentication.k8s.io/v1 or /v1beta1
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string interactive_mode;      // Never, IfAvailable, Always ("" defaults per version)
};

struct Cluster {
  std::string server;
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string certificate_authority;       // a path
  std::string certificate_authority_data;  // PEM, already base64-decoded
  std::string proxy_url;
  bool disable_compression = false;
  std::string exec_extension_json;         // extensions[client.authentication.k8s.io/exec], as JSON
};

// Whom requests act as (--as, --as-uid, --as-group, --as-user-extra).
struct Impersonation {
  std::string as, as_uid;
  std::vector<std::string> as_groups;
  std::map<std::string, std::vector<std::string>> as_user_extra;  // Impersonate-Extra-KEY
};

struct AuthInfo {
  std::string client_certificate, client_certificate_data;  // path; PEM
  std::string client_key, client_key_data;                  // path; PEM
  std::string token, token_file;
  std::string username, password;
  Impersonation impersonate;
  std::optional<ExecConfig> exec;
  std::string auth_provider;  // the name only: we support none of them
};

struct Context {
  std::string cluster, user, namespace_;
};

struct Config {
  std::map<std::string, Cluster> clusters;
  std::map<std::string, AuthInfo> users;
  std::map<std::string, Context> contexts;
  std::string current_context;
};

Getenv ProcessEnv();
// The whole environment as "NAME=value" lines, which exec plugins inherit.
using Environ = std::function<std::vector<std::string>()>;
Environ ProcessEnviron();

struct LoadOptions {
  std::string explicit_path;  // --kubeconfig
};

// Loads and merges, following client-go's loader.go. A missing explicit file
// is an error; missing files in the KUBECONFIG list are skipped; a file that
// does not parse is an error naming it.
Result<Config> Load(const LoadOptions& options, const FileSystem& fs, const Getenv& env);

// Parses one kubeconfig document; `dir` resolves relative paths. Exposed for
// tests and for the in-memory paths.
Result<Config> ParseConfig(const std::string& yaml, const std::string& source, const std::string& dir,
                           const std::string& home = "");

// Merges `later` into `into` with client-go's precedence: the first
// definition of a name wins whole, and so does the first current-context.
void Merge(Config& into, const Config& later);

// Flags that override the kubeconfig, as genericclioptions.ConfigFlags.
struct Overrides {
  std::string context, cluster, user, namespace_;
  std::string server, tls_server_name, certificate_authority;
  std::string client_certificate, client_key;
  std::string token, username, password;
  std::string as, as_uid;
  std::vector<std::string> as_groups;
  std::map<std::string, std::vector<std::string>> as_user_extra;  // Impersonate-Extra-KEY
  std::optional<bool> insecure_skip_tls_verify;
};

// Everything the client needs to talk to one API server as one user.
struct ClientConfig {
  std::string context_name;       // "" for in-cluster
  std::string server;             // scheme://host[:port][/prefix]
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string ca_pem;             // "" = system roots (only when no CA is configured)
  std::string client_cert_pem, client_key_pem;
  std::string token, token_file;
  std::string username, password;
  Impersonation impersonate;
  std::optional<ExecConfig> exec;
  // The cluster as ExecCredential's spec.cluster, for provideClusterInfo.
  std::string exec_cluster_json;
  std::string proxy_url;
  std::string namespace_ = "default";
  bool namespace_from_flag = false;
};

// Applies overrides to the chosen context and validates, with client-go's
// error wording ("context \"x\" does not exist"). Reads the CA and client
// certificate files through `fs`.
Result<ClientConfig> Select(const Config& config, const Overrides& overrides, const FileSystem& fs,
                            const Getenv& env);

}  // namespace kube
