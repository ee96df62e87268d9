#include "plugin/options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

namespace lm {
namespace {

using kube::Kind;
using kube::Status;

Status Usage(const std::string& msg) {
  return Status(Kind::kInvalidArgument, msg + " (see kubectl lm help)");
}

// The global flags, each with the field of kube::Overrides it fills
// (nullptr: ParseArgs handles it by name).
struct GlobalFlag {
  FlagInfo info;
  std::string kube::Overrides::*field;
};

const std::vector<GlobalFlag>& Table() {
  using O = kube::Overrides;
  static const std::vector<GlobalFlag> table = {
      {{"kubeconfig", 0, "PATH", "the kubeconfig file to use"}, nullptr},
      {{"context", 0, "NAME", "the kubeconfig context to use"}, &O::context},
      {{"cluster", 0, "NAME", "the kubeconfig cluster to use"}, &O::cluster},
      {{"user", 0, "NAME", "the kubeconfig user to use"}, &O::user},
      {{"namespace", 'n', "NS", "the namespace"}, &O::namespace_},
      {{"server", 's', "URL", "the API server's address"}, &O::server},
      {{"tls-server-name", 0, "NAME", "the name to check the server's certificate against"}, &O::tls_server_name},
      {{"certificate-authority", 0, "PATH", "the CA certificate file"}, &O::certificate_authority},
      {{"client-certificate", 0, "PATH", "the client certificate file"}, &O::client_certificate},
      {{"client-key", 0, "PATH", "the client key file"}, &O::client_key},
      {{"token", 0, "TOKEN", "a bearer token"}, &O::token},
      {{"username", 0, "NAME", "basic auth user name"}, &O::username},
      {{"password", 0, "PASSWORD", "basic auth password"}, &O::password},
      {{"as", 0, "USER", "impersonate this user"}, &O::as},
      {{"as-uid", 0, "UID", "impersonate this uid"}, &O::as_uid},
      {{"as-group", 0, "GROUP", "impersonate this group (repeatable)"}, nullptr},
      {{"as-user-extra", 0, "KEY=VALUE", "an extra of the impersonated user (repeatable)"}, nullptr},
      {{"insecure-skip-tls-verify", 0, "", "do not check the server's certificate (insecure)"}, nullptr},
      {{"request-timeout", 0, "DURATION", "give up on a request after this long (0: never)"}, nullptr},
      {{"v", 'v', "N", "log level: 6 requests, 7 headers, 8 bodies"}, nullptr},
      {{"help", 'h', "", "help for kubectl lm or a command"}, nullptr},
  };
  return table;
}

std::optional<bool> ParseBool(const std::string& s) {
  if (s == "true" || s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "True") return true;
  if (s == "false" || s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "False") return false;
  return std::nullopt;
}

}  // namespace

const std::vector<FlagInfo>& GlobalFlags() {
  static const std::vector<FlagInfo> infos = [] {
    std::vector<FlagInfo> v;
    for (const auto& f : Table()) v.push_back(f.info);
    return v;
  }();
  return infos;
}

std::optional<kube::DryRun> ParseDryRun(const std::string& v) {
  if (v == "client") return kube::DryRun::kClient;
  if (v == "server") return kube::DryRun::kServer;
  if (v == "none") return kube::DryRun::kNone;
  return std::nullopt;
}

kube::Result<std::chrono::milliseconds> ParseTimeout(const std::string& text) {
  const Status bad(Kind::kInvalidArgument,
                   "invalid --request-timeout \"" + text +
                       "\": use a whole number of seconds or a number with a unit (e.g. 30s, 2m, 1h)");
  // Longer than anyone waits, and far from overflowing milliseconds.
  constexpr double kMaxMs = 366.0 * 24 * 3600 * 1000;
  if (auto seconds = ParseInteger(text, 0, static_cast<long long>(kMaxMs / 1000))) {
    return std::chrono::milliseconds(*seconds * 1000);
  }
  // A Go duration: a sequence of decimal numbers, each with a unit.
  static const std::pair<const char*, double> kUnits[] = {{"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3}, {"ms", 1},
                                                          {"s", 1000},  {"m", 60000}, {"h", 3600000}};
  double total_ms = 0;
  size_t i = 0;
  if (text.empty()) return bad;
  while (i < text.size()) {
    double n = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n, std::chars_format::fixed);
    if (ec != std::errc() || !std::isfinite(n) || n < 0) return bad;
    i = end - text.data();
    size_t u = i;
    while (i < text.size() && !isdigit((unsigned char)text[i]) && text[i] != '.') ++i;
    std::string unit = text.substr(u, i - u);
    auto it = std::find_if(std::begin(kUnits), std::end(kUnits), [&](auto& p) { return unit == p.first; });
    if (it == std::end(kUnits)) return bad;
    total_ms += n * it->second;
    if (total_ms > kMaxMs) return bad;
  }
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(total_ms)));
}

namespace {

// Stores one global flag's value.
Status SetGlobal(GlobalOptions& g, const GlobalFlag& f, const std::string& value) {
  const std::string& name = f.info.name;
  if (f.field) {
    g.overrides.*f.field = value;
  } else if (name == "kubeconfig") {
    g.kubeconfig = value;
  } else if (name == "as-group") {
    g.overrides.as_groups.push_back(value);
  } else if (name == "as-user-extra") {
    auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0) return Usage("invalid --as-user-extra \"" + value + "\": use KEY=VALUE");
    g.overrides.as_user_extra[value.substr(0, eq)].push_back(value.substr(eq + 1));
  } else if (name == "request-timeout") {
    auto t = ParseTimeout(value);
    if (!t.ok()) return t.status();
    g.request_timeout = *t;
  } else if (name == "v") {
    auto n = ParseInteger(value, 0, 10);
    if (!n) return Usage("invalid argument \"" + value + "\" for -v: use a number from 0 to 10, e.g. -v=6");
    g.verbosity = static_cast<int>(*n);
  } else if (name == "insecure-skip-tls-verify" || name == "help") {
    auto b = ParseBool(value);
    if (!b) return Usage("invalid argument \"" + value + "\" for --" + name);
    if (name == "help") g.help = *b;
    else g.overrides.insecure_skip_tls_verify = *b;
  }
  return Status::Ok();
}

}  // namespace

kube::Result<Invocation> ParseArgs(const std::vector<std::string>& argv) {
  Invocation inv;
  bool positional_only = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (positional_only || a.size() < 2 || a[0] != '-') {
      if (inv.command.empty() && !positional_only) {
        inv.command = a;
      } else {
        inv.args.push_back(a);
      }
      continue;
    }
    if (a == "--") {
      positional_only = true;
      continue;
    }
    FlagMatch m = MatchFlag(a, GlobalFlags());
    if (m.index < 0) {
      inv.args.push_back(a);  // the command's own flag
      continue;
    }
    const GlobalFlag& f = Table()[m.index];
    std::string value = m.value;
    if (!f.info.takes_value() && !m.has_value) {
      value = "true";
    } else if (!m.has_value) {
      if (i + 1 >= argv.size()) return Usage("flag needs an argument: " + a);
      value = argv[++i];
    }
    Status s = SetGlobal(inv.global, f, value);
    if (!s.ok()) return s;
  }
  return inv;
}

}  // namespace lm
