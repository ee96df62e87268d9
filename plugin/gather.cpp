#include "plugin/gather.h"

#include "kube/list_reader.h"

namespace lm {
namespace {

// What gpu::InventoryBuilder reads of a node and of a pod, and the pod
// filters read (the labels and namespace of ownership): the rest of each
// object, most of its bytes, is never built.
const kube::FieldMask& NodeFields() {
  static const kube::FieldMask m = kube::FieldMask::Of(
      {"metadata.name", "metadata.labels", "spec.taints", "spec.unschedulable", "status.allocatable",
       "status.capacity", "status.conditions"});
  return m;
}
const kube::FieldMask& PodFields() {
  static const kube::FieldMask m = kube::FieldMask::Of(
      {"metadata.name", "metadata.namespace", "metadata.labels", "spec.nodeName", "spec.containers.resources",
       "spec.initContainers.resources", "spec.overhead", "status.phase"});
  return m;
}

}  // namespace

kube::Result<std::vector<gpu::NodeGpus>> GatherInventory(kube::Client& client, const PodFilter& ignore) {
  gpu::InventoryBuilder builder;
  kube::ListOptions nodes_options;
  nodes_options.fields = &NodeFields();
  auto nodes = client.List("/api/v1/nodes", nodes_options, [&](boost::json::object& node) {
    builder.AddNode(node);
    return kube::Status::Ok();
  });
  if (!nodes.ok()) return nodes.status().WithContext("list nodes");
  // kubectl describe node's selection: the pods that hold resources.
  kube::ListOptions pods_options;
  pods_options.field_selector = "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed";
  pods_options.fields = &PodFields();
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
