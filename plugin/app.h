// The plugin's entry point and what every command is handed.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "kube/client.h"
#include "kube/exec_credential.h"
#include "kube/filesystem.h"
#include "kube/kubeconfig.h"
#include "kube/log.h"
#include "kube/status.h"
#include "plugin/options.h"

namespace lm {

enum ExitCode { kExitOk = 0, kExitError = 1 };

// The I/O a command may use; tests build one around string streams and an
// in-memory file system.
struct App {
  std::ostream& out;
  std::ostream& err;
  GlobalOptions global;
  kube::Getenv env;
  const kube::FileSystem& fs;
  kube::ProcessRunner& runner;
  kube::Logger log;
  bool stdin_is_terminal = false;

  // Loads the kubeconfig, applies the global flags and returns a client.
  // Touches no network: the first request does.
  kube::Result<std::unique_ptr<kube::Client>> Connect() const;
};

using Handler = kube::Status (*)(App& app, const std::vector<std::string>& args);

struct Command {
  const char* name;
  const char* summary;
  Handler run;
};

// The command table, in the order help prints it.
const std::vector<Command>& Commands();

// Runs one invocation (argv without the program name) and returns the exit
// status. Errors are printed to `err` as one line.
int Run(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err);

// Shell completion: `kubectl_complete-lm ARGS... WORD` (as kubectl runs
// it) or `kubectl-lm __complete ARGS... WORD`. Prints candidates.
int RunComplete(const std::vector<std::string>& argv, std::ostream& out);
kube::Status RunCompletion(App& app, const std::vector<std::string>& args);

// "error: <message>", or the message alone where kubectl prints it bare
// ("Error from server (NotFound): ...", "The connection to the server ...").
std::string FormatError(const kube::Status& s);

// The nearest command name by edit distance, or "" when none is close.
std::string Suggest(const std::string& typed);

}  // namespace lm
