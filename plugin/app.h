// The plugin's entry point and what every command is handed.
#pragma once

#include <istream>
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

// Every side effect a command may have, in one value. main() passes the
// real ones (SystemDeps); a unit test passes string streams, an in-memory
// file system, a scripted transport, a fake clock and a sleep that only
// advances it. Nothing under plugin/ or kube/ reaches the process's own
// stdin, environment, clock or network any other way.
struct Deps {
  std::istream* in;
  std::ostream* out;
  std::ostream* err;
  const kube::FileSystem* fs;
  kube::ProcessRunner* runner;
  kube::Getenv env;
  kube::Environ environment;        // inherited by exec credential plugins
  kube::TransportFactory transport;
  kube::Clock clock;                // wall clock: deadlines, ages, credential expiry
  kube::Sleeper sleep;              // polling and Retry-After waits
  bool stdin_is_terminal = false;
};

// The process's own: std::cin/cout/cerr, the disk, fork/exec, the
// environment, Beast over TCP, the system clock, a real sleep.
Deps SystemDeps();

// What every command is handed: the dependencies and the global flags.
struct App {
  const Deps& deps;
  std::ostream& out;
  std::ostream& err;
  std::istream& in;
  GlobalOptions global;
  kube::Logger log;

  App(const Deps& d, GlobalOptions g);
  // Loads the kubeconfig, applies the global flags and returns a client.
  // Touches no network: the first request does.
  kube::Result<std::unique_ptr<kube::Client>> Connect() const;
  std::chrono::system_clock::time_point Now() const { return deps.clock(); }
};

using Handler = kube::Status (*)(App& app, const std::vector<std::string>& args);

struct Command {
  const char* name;
  const char* args;     // what follows the name in help's usage line: "MODEL", "[NAME]"
  const char* summary;
  Handler run;
  std::vector<FlagInfo> (*flags)();  // its flag table; nullptr: none
};

// The command table, in the order help prints it.
const std::vector<Command>& Commands();

// Runs one invocation (argv without the program name) and returns the exit
// status. Errors are printed to deps.err as one line.
int Run(const std::vector<std::string>& argv, const Deps& deps);

// Shell completion: `kubectl_complete-lm ARGS... WORD` (as kubectl runs
// it) or `kubectl-lm __complete ARGS... WORD`. Prints candidates to
// deps.out, and nothing to deps.err.
int RunComplete(const std::vector<std::string>& argv, const Deps& deps);
kube::Status RunCompletion(App& app, const std::vector<std::string>& args);

// "error: <message>", or the message alone where kubectl prints it bare
// ("Error from server (NotFound): ...", "The connection to the server ...").
std::string FormatError(const kube::Status& s);

// The nearest command name by edit distance, or "" when none is close.
std::string Suggest(const std::string& typed);

}  // namespace lm
