// Global flags, parsed by the plugin itself: kubectl hands a plugin only the
// arguments after its name, so kubectl-lm must understand kubectl's global
// flags wherever they appear, before or after the command.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/status.h"
#include "plugin/flags.h"

namespace lm {

struct GlobalOptions {
  std::string kubeconfig;
  kube::Overrides overrides;
  std::chrono::milliseconds request_timeout{0};
  int verbosity = 0;
  bool help = false;
};

// What the command line asks for: the command, its own arguments (flags it
// did not recognise as global stay here, in order), and the global options.
struct Invocation {
  GlobalOptions global;
  std::string command;              // "" when none was given
  std::vector<std::string> args;
};

// Pure: argv (without the program name) -> Invocation, or a one-line error.
kube::Result<Invocation> ParseArgs(const std::vector<std::string>& argv);

// kubectl's --request-timeout: a bare integer is seconds, else a Go duration
// ("1m30s", "500ms"); "0" means no timeout.
kube::Result<std::chrono::milliseconds> ParseTimeout(const std::string& text);

// The global flags, as the table ParseArgs reads; completion and help read
// it too.
const std::vector<FlagInfo>& GlobalFlags();

// --dry-run's value: none, client or server.
std::optional<kube::DryRun> ParseDryRun(const std::string& value);

// --dry-run[=none|client|server], bare meaning client, as kubectl's.
template <class Options>
Flag<Options> DryRunFlag(const char* help, kube::DryRun Options::*field) {
  return {{"dry-run", 0, "MODE", help, {"none", "client", "server"}, false, "client"},
          [field](Options& o, const std::string& v) {
            auto d = ParseDryRun(v);
            if (!d) return Invalid("dry-run", v, "use none, client or server");
            o.*field = *d;
            return std::string();
          }};
}

}  // namespace lm
