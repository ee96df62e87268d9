#include "plugin/flags.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace lm {

FlagMatch MatchFlag(const std::string& a, const std::vector<FlagInfo>& table) {
  FlagMatch m;
  for (size_t i = 0; i < table.size(); ++i) {
    const FlagInfo& f = table[i];
    const std::string long_form = "--" + f.name;
    if (a == long_form || (f.short_name && a.size() == 2 && a[0] == '-' && a[1] == f.short_name)) {
      m.index = static_cast<int>(i);
      return m;
    }
    if (a.rfind(long_form + "=", 0) == 0) {
      m = {static_cast<int>(i), true, a.substr(long_form.size() + 1)};
      return m;
    }
    // "-ojson", "-o=json": only value flags have a short form with a value in it.
    if (f.short_name && f.takes_value() && a.size() > 2 && a[0] == '-' && a[1] == f.short_name && a[2] != '-') {
      m = {static_cast<int>(i), true, a.substr(a[2] == '=' ? 3 : 2)};
      return m;
    }
  }
  return m;
}

std::optional<long long> ParseInteger(const std::string& text, long long min, long long max) {
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < min || n > max) return std::nullopt;
  return n;
}

std::optional<double> ParsePositive(const std::string& text, double max) {
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d) || d <= 0 || d > max) {
    return std::nullopt;
  }
  return d;
}

std::string CheckOutput(const std::string& value, const std::vector<std::string>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return "";
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  return "unable to match a printer suitable for the output format \"" + value + "\", allowed formats are: " + list;
}

std::string Invalid(const std::string& name, const std::string& value, const std::string& how) {
  return "invalid --" + name + " \"" + value + "\": " + how;
}

kube::Status FlagError(const std::string& command, const std::string& message) {
  return kube::Status(kube::Kind::kInvalidArgument, message + " (see kubectl lm help " + command + ")");
}

std::string FlagsHelp(const std::vector<FlagInfo>& flags) {
  std::vector<std::string> left;
  size_t width = 0;
  for (const auto& f : flags) {
    std::string l = f.short_name ? std::string("-") + f.short_name + ", " : "    ";
    l += "--" + f.name + (f.takes_value() ? (f.implicit.empty() ? " " : "[=") + f.value + (f.implicit.empty() ? "" : "]") : "");
    width = std::max(width, l.size());
    left.push_back(std::move(l));
  }
  std::string out;
  for (size_t i = 0; i < flags.size(); ++i) {
    out += "  " + left[i] + std::string(width - left[i].size() + 3, ' ') + flags[i].help + "\n";
  }
  return out;
}

}  // namespace lm
