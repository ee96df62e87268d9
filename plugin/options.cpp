#include "plugin/options.h"

#include <cmath>
#include <optional>

namespace lm {
namespace {

using kube::Kind;
using kube::Status;

Status Usage(const std::string& msg) {
  return Status(Kind::kInvalidArgument, msg + " (see kubectl lm help)");
}

// The global flags that take a value, with the field each fills.
struct ValueFlag {
  const char* name;
  char short_name;
  std::string kube::Overrides::*field;  // nullptr: handled specially
};

const ValueFlag kValueFlags[] = {
    {"context", 0, &kube::Overrides::context},
    {"cluster", 0, &kube::Overrides::cluster},
    {"user", 0, &kube::Overrides::user},
    {"namespace", 'n', &kube::Overrides::namespace_},
    {"server", 's', &kube::Overrides::server},
    {"tls-server-name", 0, &kube::Overrides::tls_server_name},
    {"certificate-authority", 0, &kube::Overrides::certificate_authority},
    {"client-certificate", 0, &kube::Overrides::client_certificate},
    {"client-key", 0, &kube::Overrides::client_key},
    {"token", 0, &kube::Overrides::token},
    {"username", 0, &kube::Overrides::username},
    {"password", 0, &kube::Overrides::password},
    {"as", 0, &kube::Overrides::as},
    {"as-uid", 0, &kube::Overrides::as_uid},
    {"kubeconfig", 0, nullptr},
    {"as-group", 0, nullptr},
    {"request-timeout", 0, nullptr},
    {"v", 'v', nullptr},
};

std::optional<bool> ParseBool(const std::string& s) {
  if (s == "true" || s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "True") return true;
  if (s == "false" || s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "False") return false;
  return std::nullopt;
}

}  // namespace

bool TakeFlag(const std::vector<std::string>& args, size_t* i, const std::string& name, char short_name,
              std::string* value, std::string* error) {
  const std::string& a = args[*i];
  std::string long_form = "--" + name;
  bool matched_separate = false;
  if (a == long_form || (short_name && a == std::string("-") + short_name)) {
    matched_separate = true;
  } else if (a.rfind(long_form + "=", 0) == 0) {
    *value = a.substr(long_form.size() + 1);
    return true;
  } else if (short_name && a.size() > 2 && a[0] == '-' && a[1] == short_name && a[2] != '-') {
    *value = a.substr(a[2] == '=' ? 3 : 2);
    return true;
  } else {
    return false;
  }
  if (matched_separate) {
    if (*i + 1 >= args.size()) {
      *error = "flag needs an argument: " + (a.size() == 2 ? a : long_form);
      return true;
    }
    *value = args[++*i];
  }
  return true;
}

kube::Result<std::chrono::milliseconds> ParseTimeout(const std::string& text) {
  const Status bad(Kind::kInvalidArgument,
                   "invalid --request-timeout \"" + text +
                       "\": use a whole number of seconds or a number with a unit (e.g. 30s, 2m, 1h)");
  if (text.empty()) return bad;
  bool all_digits = text.find_first_not_of("0123456789") == std::string::npos;
  if (all_digits) return std::chrono::milliseconds(std::stoll(text) * 1000);
  // A Go duration: a sequence of decimal numbers, each with a unit.
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (isdigit((unsigned char)text[i]) || text[i] == '.')) ++i;
    if (start == i) return bad;
    double n = std::stod(text.substr(start, i - start));
    size_t u = i;
    while (i < text.size() && isalpha((unsigned char)text[i])) ++i;
    std::string unit = text.substr(u, i - u);
    double scale;
    if (unit == "ns") scale = 1e-6;
    else if (unit == "us" || unit == "µs") scale = 1e-3;
    else if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60000;
    else if (unit == "h") scale = 3600000;
    else return bad;
    total_ms += n * scale;
  }
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(total_ms)));
}

kube::Result<Invocation> ParseArgs(const std::vector<std::string>& argv) {
  Invocation inv;
  GlobalOptions& g = inv.global;
  bool positional_only = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (positional_only || a.empty() || a[0] != '-' || a == "-") {
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
    if (a == "-h" || a == "--help") {
      g.help = true;
      continue;
    }
    if (a == "--insecure-skip-tls-verify" || a.rfind("--insecure-skip-tls-verify=", 0) == 0) {
      auto eq = a.find('=');
      auto b = eq == std::string::npos ? std::optional<bool>(true) : ParseBool(a.substr(eq + 1));
      if (!b) return Usage("invalid argument \"" + a.substr(eq + 1) + "\" for --insecure-skip-tls-verify");
      g.overrides.insecure_skip_tls_verify = *b;
      continue;
    }
    bool taken = false;
    for (const ValueFlag& f : kValueFlags) {
      std::string value, error;
      // -v is also a prefix of nothing else; "-v6" and "-v=6" both work.
      if (!TakeFlag(argv, &i, f.name, f.short_name, &value, &error)) continue;
      taken = true;
      if (!error.empty()) return Usage(error);
      std::string name = f.name;
      if (f.field) {
        g.overrides.*f.field = value;
      } else if (name == "kubeconfig") {
        g.kubeconfig = value;
      } else if (name == "as-group") {
        g.overrides.as_groups.push_back(value);
      } else if (name == "request-timeout") {
        auto t = ParseTimeout(value);
        if (!t.ok()) return t.status();
        g.request_timeout = *t;
      } else if (name == "v") {
        if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) {
          return Usage("invalid argument \"" + value + "\" for -v: use a number, e.g. -v=6");
        }
        g.verbosity = std::stoi(value);
      }
      break;
    }
    if (!taken) inv.args.push_back(a);  // the command's own flag
  }
  return inv;
}

}  // namespace lm
