// kubectl lm logs NAME [-f] [--tail N] [--previous]: the model server's log,
// streamed from the API server as it arrives.

#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/deployment_status.h"

namespace lm {
using kube::Kind;
using kube::Status;

namespace {

struct LogsOptions {
  bool follow = false, previous = false;
  std::string tail;
};

kube::Status RunLogs(App& app, LogsOptions& o, const std::vector<std::string>& positionals) {
  const std::string name = positionals.front();
  const std::string& tail = o.tail;
  const bool follow = o.follow, previous = o.previous;
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

}  // namespace

Command LogsCommand() {
  return MakeCommand<LogsOptions>(
      {"logs", "NAME", "Print (or follow with -f) the model server's log"},
      {SwitchFlag<LogsOptions>({"follow", 'f', "", "keep printing as the server writes"}, &LogsOptions::follow),
       SwitchFlag<LogsOptions>({"previous", 'p', "", "the log of the container that ran before (after a crash)"},
                               &LogsOptions::previous),
       {{"tail", 0, "N", "only the last N lines"},
        [](LogsOptions& o, const std::string& v) {
          if (!ParseInteger(v, 0, 1LL << 40)) return Invalid("tail", v, "use a number of lines");
          o.tail = v;
          return std::string();
        }}},
      {1, 1, "logs needs the NAME of a model deployment, as kubectl lm status lists them"}, RunLogs);
}

}  // namespace lm
