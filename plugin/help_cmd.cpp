// kubectl lm help [COMMAND]: the command table, and each command's flag
// table, as kubectl's help prints them.
#include "plugin/commands.h"
#include "plugin/options.h"

namespace lm {

void PrintCommandHelp(std::ostream& out, const Command& c) {
  out << c.summary << ".\n\nUsage:\n  kubectl lm " << c.name << (c.args.empty() ? "" : " ") << c.args << " [flags]\n";
  if (!c.flags.empty()) out << "\nFlags:\n" << FlagsHelp(c.flags);
  out << "\nkubectl lm help lists the global flags.\n";
}

namespace {

kube::Status RunHelp(App& app, NoFlags&, const std::vector<std::string>& args) {
  if (!args.empty()) {
    for (const Command& c : Commands()) {
      if (args[0] == c.name) {
        PrintCommandHelp(app.out, c);
        return kube::Status::Ok();
      }
    }
    std::string near = Suggest(args[0]);
    return kube::Status(kube::Kind::kInvalidArgument, "unknown command \"" + args[0] + "\" for \"kubectl lm\"" +
                                                          (near.empty() ? "" : "; did you mean \"" + near + "\"?"));
  }
  app.out << "kubectl lm puts a language model on your cluster's GPUs, with no operator.\n\n"
             "Usage:\n  kubectl lm COMMAND [flags]\n\nCommands:\n";
  for (const Command& c : Commands()) {
    std::string name = "  " + c.name;
    app.out << name << std::string(name.size() < 14 ? 14 - name.size() : 1, ' ') << c.summary << "\n";
  }
  app.out << "\nGlobal flags (accepted before or after the command):\n" << FlagsHelp(GlobalFlags())
          << "\nkubectl lm help COMMAND (or COMMAND --help) lists a command's flags.\n";
  return kube::Status::Ok();
}

}  // namespace

Command HelpCommand() {
  return MakeCommand<NoFlags>({"help", "[COMMAND]", "List the commands and the global flags"}, {}, {0, 1, ""}, RunHelp);
}

}  // namespace lm
