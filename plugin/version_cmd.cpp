// kubectl lm version [--client] [-o json|yaml]
#include <boost/json.hpp>

#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/deploy.h"
#include "plugin/printers.h"
#include "plugin/version.h"

namespace lm {

std::string ClientVersion() { return KUBECTL_LM_VERSION; }

std::string UserAgent() {
#if defined(__aarch64__)
  const char* arch = "arm64";
#else
  const char* arch = "amd64";
#endif
  return std::string("kubectl-lm/") + KUBECTL_LM_VERSION + " (linux/" + arch + ")";
}

namespace {

struct VersionOptions {
  bool client = false;
  std::string output;
};

kube::Status RunVersion(App& app, VersionOptions& o, const std::vector<std::string>&) {
  const bool client_only = o.client;
  const std::string& output = o.output;

  boost::json::object doc;
  doc["clientVersion"] = {{"gitVersion", ClientVersion()}, {"userAgent", UserAgent()}, {"defaultImage", DefaultImage()}};
  kube::Status server_error;
  std::string server_version;
  if (!client_only) {
    auto client = app.Connect();
    if (!client.ok()) {
      server_error = client.status();
    } else {
      auto v = (*client)->Get("/version");
      if (!v.ok()) {
        server_error = v.status();
      } else {
        doc["serverVersion"] = *v;
        // Whatever the server sent, only a gitVersion string is shown.
        if (auto* gv = v->is_object() ? v->as_object().if_contains("gitVersion") : nullptr; gv && gv->is_string()) {
          server_version = std::string(gv->as_string());
        }
      }
    }
  }
  if (output.empty()) {
    app.out << "Client Version: " << ClientVersion() << "\n";
    app.out << "Default Image: " << DefaultImage() << "\n";
    if (!server_version.empty()) app.out << "Server Version: " << server_version << "\n";
  } else {
    PrintDocument(app.out, doc, output);
  }
  // As kubectl version does: the client's version is printed, then the
  // reason the server's is missing, with a failing exit status.
  return server_error;
}

}  // namespace

Command VersionCommand() {
  return MakeCommand<VersionOptions>(
      {"version", "", "Print the client and server versions"},
      {SwitchFlag<VersionOptions>({"client", 0, "", "only the client's version; ask no server"}, &VersionOptions::client),
       OutputFlag({"json", "yaml"}, &VersionOptions::output)},
      {}, RunVersion);
}

}  // namespace lm
