// One table per command's flags (name, short form, value, help, where it is
// stored) that the parser, completion and `help COMMAND` all read, as
// ninja's tools table feeds both dispatch and `-t list`: the three cannot
// drift apart.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kube/status.h"

namespace lm {

// What completion and help need to know of a flag.
struct FlagInfo {
  std::string name;                  // long form, without "--"
  char short_name = 0;               // 0: none
  std::string value;                 // the value's name in help ("N"); "": a switch
  std::string help;
  std::vector<std::string> choices;  // what completion offers for the value
  bool node_names = false;           // completion offers the cluster's node names
  std::string implicit;              // the value of a bare "--x" ("--dry-run" = client); "": none

  bool takes_value() const { return !value.empty(); }
};

// A flag of a command whose options are an `Options`. `set` stores the
// value (a switch gets "true" or "false") and returns "" or the whole
// one-line error (Invalid() words the usual one).
template <class Options>
struct Flag {
  FlagInfo info;
  std::function<std::string(Options&, const std::string& value)> set;
};

template <class Options>
std::vector<FlagInfo> Describe(const std::vector<Flag<Options>>& table) {
  std::vector<FlagInfo> out;
  for (const auto& f : table) out.push_back(f.info);
  return out;
}

// A whole number in [min, max], or nothing: no spaces, no overflow.
std::optional<long long> ParseInteger(const std::string& text, long long min, long long max);
// The same in [1, max].
inline std::optional<long long> ParseCount(const std::string& text, long long max) {
  return ParseInteger(text, 1, max);
}
// A finite decimal number in (0, max], or nothing.
std::optional<double> ParsePositive(const std::string& text, double max);

// `invalid --name "value": how` , the usual wording of a bad value.
std::string Invalid(const std::string& name, const std::string& value, const std::string& how);

// A switch stored in a bool field, or an optional<bool> one (unset: the
// command's own default).
template <class Options, class Field>
Flag<Options> SwitchFlag(FlagInfo info, Field Options::*field) {
  return {std::move(info), [field](Options& o, const std::string& v) {
            o.*field = v == "true";
            return std::string();
          }};
}

// A value stored as given.
template <class Options>
Flag<Options> TextFlag(FlagInfo info, std::string Options::*field) {
  return {std::move(info), [field](Options& o, const std::string& v) {
            o.*field = v;
            return std::string();
          }};
}

// A whole number from 1 to `max`, stored in an int, long or optional of one.
template <class Options, class Field>
Flag<Options> CountFlag(FlagInfo info, Field Options::*field, long long max) {
  std::string name = info.name;
  return {std::move(info), [=](Options& o, const std::string& v) {
            auto n = ParseCount(v, max);
            if (!n) return Invalid(name, v, "use a whole number from 1 to " + std::to_string(max));
            o.*field = static_cast<std::remove_cvref_t<decltype(*std::optional(o.*field))>>(*n);
            return std::string();
          }};
}

// -o/--output, one of `allowed` (kubectl's wording when it is not).
std::string CheckOutput(const std::string& value, const std::vector<std::string>& allowed);
template <class Options>
Flag<Options> OutputFlag(std::vector<std::string> allowed, std::string Options::*field) {
  std::string help = "output format:";
  for (const auto& a : allowed) help += " " + a;
  FlagInfo info{"output", 'o', "FORMAT", help, allowed};
  return {std::move(info), [allowed, field](Options& o, const std::string& v) {
            o.*field = v;
            return CheckOutput(v, allowed);
          }};
}

// How one argument matches a flag of `table`: which flag, and the value
// when given in the same argument ("--x=1", "-x1"). Exposed for the parser.
struct FlagMatch {
  int index = -1;       // into the table; -1: no flag of it
  bool has_value = false;
  std::string value;
};
FlagMatch MatchFlag(const std::string& arg, const std::vector<FlagInfo>& table);

// "unknown flag ..." / "flag needs an argument ..." with the help pointer.
kube::Status FlagError(const std::string& command, const std::string& message);

// Parses `args` (the command's own, global flags already taken out) into
// `options`; returns the positional arguments, in order. A switch takes
// "--x", "--x=true" or "--x=false"; a value flag "--x v", "--x=v", "-x v"
// or "-xv". Errors are one line naming the flag and pointing to help.
template <class Options>
kube::Result<std::vector<std::string>> ParseFlags(const std::string& command, const std::vector<std::string>& args,
                                                  const std::vector<Flag<Options>>& table, Options& options) {
  const std::vector<FlagInfo> infos = Describe(table);
  std::vector<std::string> positionals;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a[0] != '-') {
      positionals.push_back(a);
      continue;
    }
    FlagMatch m = MatchFlag(a, infos);
    if (m.index < 0) return FlagError(command, "unknown flag \"" + a + "\" for \"kubectl lm " + command + "\"");
    const FlagInfo& f = infos[m.index];
    std::string value = m.value;
    if (!f.takes_value()) {
      if (!m.has_value) value = "true";
      if (value != "true" && value != "false") {
        return FlagError(command, "invalid --" + f.name + " \"" + value + "\": use true or false");
      }
    } else if (!m.has_value && !f.implicit.empty()) {
      value = f.implicit;
    } else if (!m.has_value) {
      if (i + 1 >= args.size()) return FlagError(command, "flag needs an argument: --" + f.name);
      value = args[++i];
    }
    std::string error = table[m.index].set(options, value);
    if (!error.empty()) return FlagError(command, error);
  }
  return positionals;
}

// The lines of `help COMMAND`'s flag list: "  -o, --output FORMAT   help".
std::string FlagsHelp(const std::vector<FlagInfo>& flags);

}  // namespace lm
