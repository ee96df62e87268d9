#include "plugin/gather.h"

namespace lm {

kube::Result<std::vector<gpu::NodeGpus>> GatherInventory(kube::Client& client, const PodFilter& ignore) {
  gpu::InventoryBuilder builder;
  auto nodes = client.List("/api/v1/nodes", {}, [&](boost::json::object& node) {
    builder.AddNode(node);
    return kube::Status::Ok();
  });
  if (!nodes.ok()) return nodes.status().WithContext("list nodes");
  // kubectl describe node's selection: the pods that hold resources.
  kube::ListOptions pods_options;
  pods_options.field_selector = "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed";
  auto pods = client.List("/api/v1/pods", pods_options, [&](boost::json::object& pod) {
    if (!ignore || !ignore(pod)) builder.AddPod(pod);
    return kube::Status::Ok();
  });
  if (!pods.ok()) {
    return pods.status().WithContext("list pods in all namespaces (needed to count the GPUs in use)");
  }
  return builder.Finish();
}

}  // namespace lm
