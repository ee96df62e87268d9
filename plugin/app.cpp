#include "plugin/app.h"

#include "kube/os.h"

#include <algorithm>
#include <iostream>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "kube/json_fields.h"
#include "kube/printable.h"
#include "plugin/commands.h"
#include "plugin/completion.h"
#include "plugin/deploy.h"
#include "plugin/ownership.h"
#include "plugin/suggest.h"
#include "plugin/version.h"

namespace lm {

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      NodesCommand(), ModelsCommand(), DeployCommand(),  PullCommand(),       StatusCommand(), ScaleCommand(),
      TopCommand(),    DeleteCommand(), LogsCommand(),  ChatCommand(), VersionCommand(), CompletionCommand(),
      HelpCommand(),
  };
  return commands;
}

Deps SystemDeps() {
  static const kube::RealFileSystem fs;
  static kube::RealProcessRunner runner;
  Deps d;
  d.in = &std::cin;
  d.out = &std::cout;
  d.err = &std::cerr;
  d.fs = &fs;
  d.runner = &runner;
  d.env = kube::ProcessEnv();
  d.environment = kube::ProcessEnviron();
  d.transport = kube::MakeBeastTransport;
  d.clock = [] { return std::chrono::system_clock::now(); };
  d.sleep = [](std::chrono::milliseconds t) { std::this_thread::sleep_for(t); };
  d.stdin_is_terminal = kube::os::IsTerminal(0);
  d.catch_interrupts = CatchSignals;
  return d;
}

App::App(const Deps& d, GlobalOptions g)
    : deps(d), out(*d.out), err(*d.err), in(*d.in), global(std::move(g)), log(global.verbosity, d.err) {}

kube::Result<std::unique_ptr<kube::Client>> App::Connect() const { return Connect(global.request_timeout); }

kube::Result<std::unique_ptr<kube::Client>> App::Connect(std::chrono::milliseconds timeout) const {
  auto config = kube::Load({global.kubeconfig}, *deps.fs, deps.env);
  if (!config.ok()) return config.status();
  auto cc = kube::Select(*config, global.overrides, *deps.fs, deps.env);
  if (!cc.ok()) return cc.status();
  kube::ClientOptions options;
  options.timeout = timeout;
  if (auto t = deps.env("KUBECTL_LM_EXEC_TIMEOUT"); t && !t->empty()) {
    auto d = ParseTimeout(*t);
    if (!d.ok() || d->count() <= 0) {
      return kube::Status(kube::Kind::kInvalidConfig, "invalid KUBECTL_LM_EXEC_TIMEOUT \"" + kube::Printable(*t) +
                                                          "\": use a duration such as 5m");
    }
    options.exec_timeout = *d;
  }
  options.user_agent = UserAgent();
  kube::ClientDeps cd = deps;  // the client's part of them
  cd.log = &log;
  return std::make_unique<kube::Client>(std::move(*cc), options, std::move(cd));
}

std::string FormatError(const kube::Status& s) {
  const std::string& m = s.message();
  for (const char* bare : {"Error from server", "The connection to", "Unable to connect to the server"}) {
    if (m.rfind(bare, 0) == 0) return m;
  }
  return "error: " + m;
}

std::string Suggest(const std::string& typed) {
  std::vector<std::string> names;
  for (const Command& c : Commands()) names.emplace_back(c.name);
  return Nearest(typed, names, 2);  // farther than two edits is not a typo
}

namespace {

kube::Status RunCompletion(App& app, NoFlags&, const std::vector<std::string>& args) {
  std::string script = CompletionScript(args[0]);
  if (script.empty()) return FlagError("completion", "unknown shell \"" + args[0] + "\": use bash or zsh");
  app.out << script;
  return kube::Status::Ok();
}

}  // namespace

Command CompletionCommand() {
  return MakeCommand<NoFlags>({"completion", "bash|zsh", "Print a bash or zsh completion script for kubectl-lm"}, {},
                              {1, 1, "completion needs a shell: bash or zsh"}, RunCompletion);
}

int RunComplete(const std::vector<std::string>& argv, const Deps& deps) {
  std::vector<std::string> args = argv;
  std::string word;
  if (!args.empty()) {
    word = args.back();
    args.pop_back();
  }
  // The cluster is asked with the user's own flags (--context, -n), and
  // quietly: completion must never print errors into the command line.
  auto inv = ParseArgs(args);
  GlobalOptions global = inv.ok() ? inv->global : GlobalOptions{};
  global.verbosity = 0;
  if (global.request_timeout.count() == 0) global.request_timeout = std::chrono::seconds(5);
  std::ostringstream ignored;
  Deps quiet = deps;
  quiet.err = &ignored;
  App app(quiet, global);
  auto names = [&](const std::string& path, const std::string& selector) {
    std::vector<std::string> result;
    auto client = app.Connect();
    if (!client.ok()) return result;
    kube::ListOptions lo;
    lo.label_selector = selector;
    std::string resolved = path;
    if (auto p = resolved.find("{ns}"); p != std::string::npos) resolved.replace(p, 4, (*client)->config().namespace_);
    (*client)->List(resolved, lo, [&](boost::json::object& o) {
      std::string n = kube::StrField(kube::ObjField(&o, "metadata"), "name");
      if (!n.empty()) result.push_back(n);
      return kube::Status::Ok();
    });
    return result;
  };
  CompletionSources sources;
  sources.deployments = [&] {
    return names("/apis/apps/v1/namespaces/{ns}/deployments", own::ManagedSelector());
  };
  sources.nodes = [&] { return names("/api/v1/nodes", ""); };
  for (const auto& line : Complete(args, word, sources)) app.out << line << "\n";
  return kExitOk;
}

int Run(const std::vector<std::string>& argv, const Deps& deps) {
  if (!argv.empty() && argv[0] == "__complete") {
    return RunComplete(std::vector<std::string>(argv.begin() + 1, argv.end()), deps);
  }
  std::ostream& err = *deps.err;
  auto inv = ParseArgs(argv);
  if (!inv.ok()) {
    err << FormatError(inv.status()) << "\n";
    return kExitError;
  }
  App app(deps, inv->global);
  std::string name = inv->command;
  if (name.empty() || (inv->global.help && name.empty())) name = "help";
  auto it = std::find_if(Commands().begin(), Commands().end(), [&](const Command& c) { return name == c.name; });
  if (it == Commands().end()) {
    std::string near = Suggest(name);
    err << "error: unknown command \"" << name << "\" for \"kubectl lm\""
        << (near.empty() ? "" : "; did you mean \"" + near + "\"?") << " (see kubectl lm help)\n";
    return kExitError;
  }
  if (inv->global.help && name != "help") {
    PrintCommandHelp(app.out, *it);
    return kExitOk;
  }
  kube::Status s = it->run(app, inv->args);
  if (!s.ok()) {
    err << FormatError(s) << "\n";
    return s.kind() == kube::Kind::kInterrupted ? kExitInterrupted : kExitError;  // as a shell reports SIGINT
  }
  return kExitOk;
}

}  // namespace lm
