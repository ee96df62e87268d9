// kubectl lm help [COMMAND]
#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/printers.h"

namespace lm {

kube::Status RunHelp(App& app, const std::vector<std::string>& args) {
  if (!args.empty()) {
    for (const Command& c : Commands()) {
      if (args[0] == c.name) {
        app.out << c.summary << ".\n\nUsage:\n  kubectl lm " << c.name << " [flags]\n";
        return kube::Status::Ok();
      }
    }
    std::string near = Suggest(args[0]);
    return kube::Status(kube::Kind::kInvalidArgument, "unknown command \"" + args[0] + "\" for \"kubectl lm\"" +
                                                          (near.empty() ? "" : "; did you mean \"" + near + "\"?"));
  }
  app.out << "kubectl lm puts a language model on your cluster's GPUs, with no operator.\n\n"
             "Usage:\n  kubectl lm COMMAND [flags]\n\nCommands:\n";
  std::vector<std::vector<std::string>> rows;
  for (const Command& c : Commands()) rows.push_back({std::string("  ") + c.name, c.summary});
  for (const auto& r : rows) {
    std::string pad(r[0].size() < 12 ? 12 - r[0].size() : 1, ' ');
    app.out << r[0] << pad << r[1] << "\n";
  }
  app.out << "\nGlobal flags (accepted before or after the command):\n"
             "  --kubeconfig PATH, --context NAME, --cluster NAME, --user NAME, -n/--namespace NS,\n"
             "  -s/--server URL, --tls-server-name NAME, --certificate-authority PATH,\n"
             "  --client-certificate PATH, --client-key PATH, --token TOKEN, --username, --password,\n"
             "  --as USER, --as-uid UID, --as-group GROUP, --insecure-skip-tls-verify,\n"
             "  --request-timeout DURATION, -v N\n";
  return kube::Status::Ok();
}

}  // namespace lm
