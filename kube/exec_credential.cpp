#include "kube/exec_credential.h"

#include "kube/printable.h"
#include "kube/rfc3339.h"

#include <cerrno>
#include <cstring>

#include <boost/json.hpp>


namespace kube {
namespace {

namespace json = boost::json;

constexpr char kV1[] = "client.authentication.k8s.io/v1";
constexpr char kV1beta1[] = "client.authentication.k8s.io/v1beta1";

// An installHint cleaned as client-go cleans it (escape sequences shown as
// U+001B..., not sent to the terminal), then made one line: client-go keeps
// its line breaks; kubectl-lm's errors are one line, so they become spaces.
std::string OneLine(const std::string& hint) {
  std::string s = CleanControlCodes(hint);
  for (auto& c : s) if (c >= '\t' && c <= '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

const json::string* GetString(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? &v->as_string() : nullptr;
}

}  // namespace

std::string PluginTimedOut(std::chrono::milliseconds timeout) {
  std::string took = timeout.count() % 1000 ? std::to_string(timeout.count()) + " ms"
                                            : std::to_string(timeout.count() / 1000) + " s";
  return "did not finish within " + took + " (set KUBECTL_LM_EXEC_TIMEOUT to wait longer)";
}

std::string PluginWroteTooMuch() {
  return "wrote more than " + std::to_string(kMaxPluginOutput >> 20) + " MiB to stdout";
}

std::string ExecInfoJson(const ExecConfig& exec, bool interactive, const std::string& cluster_json) {
  json::object spec;
  spec["interactive"] = interactive;
  if (exec.provide_cluster_info && !cluster_json.empty()) {
    boost::system::error_code ec;
    json::value cluster = json::parse(cluster_json, ec);
    if (!ec) spec["cluster"] = std::move(cluster);
  }
  json::object info;
  info["apiVersion"] = exec.api_version;
  info["kind"] = "ExecCredential";
  info["spec"] = std::move(spec);
  return json::serialize(info);
}

Result<Credential> ParseExecCredential(const ExecConfig& exec, std::string_view out) {
  boost::system::error_code ec;
  json::value v = json::parse(out, ec);
  if (ec || !v.is_object()) return Status(Kind::kCredential, "exec plugin: decoding stdout: not a JSON object");
  const json::object& o = v.as_object();
  const json::string* api = GetString(o, "apiVersion");
  if (!api || *api != exec.api_version) {
    return Status(Kind::kCredential, "exec plugin is configured to use API version " + exec.api_version +
                                         ", plugin returned version " + std::string(api ? api->c_str() : ""));
  }
  const json::value* status = o.if_contains("status");
  if (!status || !status->is_object()) return Status(Kind::kCredential, "exec plugin didn't return a status field");
  const json::object& st = status->as_object();
  Credential c;
  if (auto* t = GetString(st, "token")) c.token = std::string(*t);
  if (auto* t = GetString(st, "clientCertificateData")) c.client_cert_pem = std::string(*t);
  if (auto* t = GetString(st, "clientKeyData")) c.client_key_pem = std::string(*t);
  bool cert = !c.client_cert_pem.empty(), key = !c.client_key_pem.empty();
  if (cert != key) {
    return Status(Kind::kCredential, "exec plugin: invalid client certificate: clientCertificateData and "
                                     "clientKeyData must both be set");
  }
  if (c.token.empty() && !cert) {
    return Status(Kind::kCredential, "exec plugin didn't return a token or cert/key pair");
  }
  if (auto* e = GetString(st, "expirationTimestamp")) {
    c.expiry = ParseRfc3339(std::string_view(e->data(), e->size()));
    if (!c.expiry) return Status(Kind::kCredential, "exec plugin: expirationTimestamp is not RFC 3339: " + std::string(*e));
  }
  return c;
}

ExecProvider::ExecProvider(ExecConfig exec, std::string cluster_json, ProcessRunner* runner, Environ environment, Clock clock,
                           bool stdin_is_terminal, std::chrono::milliseconds timeout)
    : exec_(std::move(exec)),
      cluster_json_(std::move(cluster_json)),
      runner_(runner),
      environ_(std::move(environment)),
      clock_(std::move(clock)),
      stdin_is_terminal_(stdin_is_terminal),
      timeout_(timeout) {}

Result<Credential> ExecProvider::Get() {
  if (cached_ && (!cached_->expiry || clock_() < *cached_->expiry)) return *cached_;
  if (exec_.api_version != kV1 && exec_.api_version != kV1beta1) {
    return Status(Kind::kCredential, "exec plugin: invalid apiVersion \"" + exec_.api_version +
                                         "\" (use client.authentication.k8s.io/v1 or v1beta1)");
  }
  bool interactive = false;
  if (exec_.interactive_mode == "Always") {
    if (!stdin_is_terminal_) {
      return Status(Kind::kCredential, "exec plugin cannot support interactive mode: standard input is not a terminal");
    }
    interactive = true;
  } else if (exec_.interactive_mode == "IfAvailable") {
    interactive = stdin_is_terminal_;
  }

  std::vector<std::string> env;
  for (const std::string& kv : environ_()) {
    // Our configured variables and KUBERNETES_EXEC_INFO replace inherited ones.
    std::string name = kv.substr(0, kv.find('='));
    bool overridden = name == "KUBERNETES_EXEC_INFO";
    for (auto& [n, _] : exec_.env) overridden = overridden || n == name;
    if (!overridden) env.push_back(kv);
  }
  for (auto& [n, v] : exec_.env) env.push_back(n + "=" + v);
  env.push_back("KUBERNETES_EXEC_INFO=" + ExecInfoJson(exec_, interactive, cluster_json_));

  std::vector<std::string> argv{exec_.command};
  argv.insert(argv.end(), exec_.args.begin(), exec_.args.end());
  ++runs_;
  auto timeout = timeout_.count() > 0 ? timeout_ : interactive ? kInteractiveExecTimeout : kExecTimeout;
  auto r = runner_->Run(argv, env, interactive, timeout);
  if (!r.ok()) {
    if (r.status().kind() == Kind::kNotFound) {
      std::string hint = exec_.install_hint.empty()
                             ? "install it, see https://kubernetes.io/docs/reference/access-authn-authz/"
                               "authentication/#client-go-credential-plugins"
                             : OneLine(exec_.install_hint);
      return Status(Kind::kCredential, "exec: executable " + exec_.command + " not found: " + hint);
    }
    return r.status();
  }
  if (r->exit_code != 0) {
    return Status(Kind::kCredential, "exec: executable " + exec_.command + " failed with exit code " +
                                         std::to_string(r->exit_code));
  }
  auto c = ParseExecCredential(exec_, r->out);
  if (!c.ok()) return c.status();
  cached_ = *c;
  return c;
}

}  // namespace kube
