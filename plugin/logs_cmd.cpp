// kubectl lm logs NAME [-f] [--tail N] [--previous]: the model server's log,
// streamed from the API server as it arrives.
#include <boost/json.hpp>

#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/status.h"

namespace lm {
using kube::Kind;
using kube::Status;

kube::Status RunLogs(App& app, const std::vector<std::string>& args) {
  std::string name, tail;
  bool follow = false, previous = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string error;
    if (args[i] == "-f" || args[i] == "--follow") {
      follow = true;
    } else if (args[i] == "-p" || args[i] == "--previous") {
      previous = true;
    } else if (TakeFlag(args, &i, "tail", 0, &tail, &error)) {
      if (!error.empty()) return Status(Kind::kInvalidArgument, error);
      if (tail.empty() || tail.find_first_not_of("0123456789") != std::string::npos) {
        return Status(Kind::kInvalidArgument, "invalid --tail \"" + tail + "\": use a number of lines");
      }
    } else if (args[i][0] != '-' && name.empty()) {
      name = args[i];
    } else {
      return Status(Kind::kInvalidArgument, "unknown argument \"" + args[i] + "\" for \"kubectl lm logs\" (usage: kubectl lm logs NAME [-f])");
    }
  }
  if (name.empty()) return Status(Kind::kInvalidArgument, "logs needs the NAME of a model deployment (kubectl lm status lists them)");
  auto client = app.Connect();
  if (!client.ok()) return client.status();
  std::string ns = (*client)->config().namespace_;
  auto st = GatherStatus(**client, ns, name, false);
  if (!st.ok()) return st.status();
  if (st->empty()) {
    return Status(Kind::kNotFound, "no model deployment \"" + name + "\" in namespace " + ns + " (kubectl lm status -A lists them all)");
  }
  // A ready pod's log if there is one, else the first scheduled pod's.
  const PodState* pod = nullptr;
  for (const auto& p : st->front().phase.pods) {
    if (p.node.empty()) continue;
    if (!pod || (p.ready && !pod->ready)) pod = &p;
  }
  if (!pod) {
    return Status(Kind::kNotFound, name + " has no pod on a node yet, so no log: " + st->front().phase.phase + ": " +
                                       st->front().phase.reason);
  }
  std::string query = kube::Query({{"container", "server"}, {"follow", follow ? "true" : ""},
                                   {"previous", previous ? "true" : ""}, {"tailLines", tail}});
  kube::ChunkSink sink = [&](std::string_view chunk) {
    app.out << chunk << std::flush;
    return static_cast<bool>(app.out);
  };
  auto r = (*client)->Do("GET", "/api/v1/namespaces/" + ns + "/pods/" + pod->name + "/log?" + query, "", "", &sink);
  if (!r.ok()) return r.status().WithContext("logs of pod " + pod->name);
  return Status::Ok();
}

}  // namespace lm
