// The plugin's entry point and what every command is handed.
#pragma once

#include <functional>
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
#include "plugin/interrupts.h"
#include "plugin/options.h"

namespace lm {

enum ExitCode { kExitOk = 0, kExitError = 1, kExitInterrupted = 130 };

// Every side effect a command may have, in one value. main() passes the
// real ones (SystemDeps); a unit test passes string streams, an in-memory
// file system, a scripted transport, a fake clock and a sleep that only
// advances it. Nothing under plugin/ or kube/ reaches the process's own
// stdin, environment, clock or network any other way.
// The client's own (file system, process runner, environment, transport,
// clock, sleep) come from kube::ClientDeps; a command adds its streams.
struct Deps : kube::ClientDeps {
  std::istream* in = nullptr;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  // Interrupts (SIGINT, SIGTERM) while a command changes the cluster.
  std::function<std::unique_ptr<Interrupts>()> catch_interrupts;
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
  // The same, with each request bounded by `timeout` instead of --request-timeout.
  kube::Result<std::unique_ptr<kube::Client>> Connect(std::chrono::milliseconds timeout) const;
  std::chrono::system_clock::time_point Now() const { return deps.clock(); }
};

using Handler = std::function<kube::Status(App& app, const std::vector<std::string>& args)>;

struct Command {
  std::string name;
  std::string args;     // what follows the name in help's usage line: "MODEL", "[NAME]"
  std::string summary;
  Handler run;
  std::vector<FlagInfo> flags;  // its flag table, as help and completion show it
};

// What a command takes besides flags: at least `min`, at most `max`
// arguments, and what to say when too few are given.
struct Arity {
  size_t min = 0, max = 0;
  std::string missing;
};

// A command whose flags fill an `Options`: the one place that parses a
// command's arguments (ParseFlags on `flags`) and counts them, so that
// `run` starts with its options and arguments in hand.
template <class Options>
Command MakeCommand(Command info, std::vector<Flag<Options>> flags, Arity arity,
                    kube::Status (*run)(App&, Options&, const std::vector<std::string>&)) {
  info.flags = Describe(flags);
  std::string name = info.name, usage = "kubectl lm " + info.name + (info.args.empty() ? "" : " " + info.args);
  info.run = [=](App& app, const std::vector<std::string>& args) {
    Options options;
    auto positionals = ParseFlags(name, args, flags, options);
    if (!positionals.ok()) return positionals.status();
    if (positionals->size() < arity.min) return FlagError(name, arity.missing);
    if (positionals->size() > arity.max) {
      return FlagError(name, "too many arguments for \"" + usage + "\": \"" + (*positionals)[arity.max] + "\"");
    }
    return run(app, options, *positionals);
  };
  return info;
}

// The command table, in the order help prints it.
const std::vector<Command>& Commands();

// Runs one invocation (argv without the program name) and returns the exit
// status. Errors are printed to deps.err as one line.
int Run(const std::vector<std::string>& argv, const Deps& deps);

// Shell completion: `kubectl_complete-lm ARGS... WORD` (as kubectl runs
// it) or `kubectl-lm __complete ARGS... WORD`. Prints candidates to
// deps.out, and nothing to deps.err.
int RunComplete(const std::vector<std::string>& argv, const Deps& deps);
Command CompletionCommand();

// `help COMMAND`: summary, usage and the command's flags.
void PrintCommandHelp(std::ostream& out, const Command& command);

// "error: <message>", or the message alone where kubectl prints it bare
// ("Error from server (NotFound): ...", "The connection to the server ...").
std::string FormatError(const kube::Status& s);

// The nearest command name by edit distance, or "" when none is close.
std::string Suggest(const std::string& typed);

}  // namespace lm
