// kubectl lm nodes [--all] [-o wide|json|yaml]
#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/gather.h"
#include "plugin/views.h"

namespace lm {
namespace {

struct NodesOptions {
  bool all = false;
  std::string output;
};

kube::Status RunNodes(App& app, NodesOptions& o, const std::vector<std::string>&) {
  const bool all = o.all;
  const std::string& output = o.output;

  auto client = app.Connect();
  if (!client.ok()) return client.status();
  auto inventory = GatherInventory(**client);
  if (!inventory.ok()) return inventory.status();

  std::vector<const gpu::NodeGpus*> shown;
  for (const auto& n : *inventory) {
    if (all || n.has_gpus()) shown.push_back(&n);
  }
  if (shown.empty() && output != "json" && output != "yaml") {
    app.err << "No GPU nodes found" << (all ? "" : " (kubectl lm nodes --all lists every node)") << ".\n";
    return kube::Status::Ok();
  }
  RenderNodes(app.out, shown, output);
  return kube::Status::Ok();
}

}  // namespace

Command NodesCommand() {
  return MakeCommand<NodesOptions>(
      {"nodes", "", "List GPU nodes: product, memory, total and free GPUs"},
      {SwitchFlag<NodesOptions>({"all", 'A', "", "list every node, not only GPU nodes"}, &NodesOptions::all),
       OutputFlag({"json", "yaml", "wide"}, &NodesOptions::output)},
      {}, RunNodes);
}

}  // namespace lm
