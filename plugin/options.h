// Global flags, parsed by the plugin itself: kubectl hands a plugin only the
// arguments after its name, so kubectl-lm must understand kubectl's global
// flags wherever they appear, before or after the command.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "kube/kubeconfig.h"
#include "kube/status.h"

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

// Command-local flag parsing shared by commands: takes "--name=value",
// "--name value" and, for a one-letter short, "-x value"/"-xvalue".
// Returns true and sets *value when args[*i] is that flag; advances *i past
// a separate value. Sets *error when the value is missing.
bool TakeFlag(const std::vector<std::string>& args, size_t* i, const std::string& name, char short_name,
              std::string* value, std::string* error);

}  // namespace lm
