#include "plugin/gather.h"

namespace lm {

// What gpu::InventoryBuilder reads of a node and of a pod, and with a pod
// filter also what filters read (the name, namespace and labels of
// ownership): the rest of each object, most of its bytes, is never built.
// kube::Client reads these lists as protobuf where the server sends it
// (kube/core_v1_proto.cpp has every field named here).
const kube::FieldMask& InventoryNodeFields() {
  static const kube::FieldMask m = kube::FieldMask::Of(
      {"metadata.name", "metadata.labels", "spec.taints.key", "spec.taints.value", "spec.taints.effect",
       "spec.unschedulable", "status.allocatable", "status.capacity", "status.conditions.type",
       "status.conditions.status"});
  return m;
}
const kube::FieldMask& InventoryPodFields() {
  static const kube::FieldMask m = kube::FieldMask::Of(
      {"spec.nodeName", "spec.containers.resources", "spec.initContainers.resources", "spec.overhead", "status.phase"});
  return m;
}
const kube::FieldMask& FilteredPodFields() {
  static const kube::FieldMask m = kube::FieldMask::Of(
      {"metadata.name", "metadata.namespace", "metadata.labels", "spec.nodeName", "spec.containers.resources",
       "spec.initContainers.resources", "spec.overhead", "status.phase"});
  return m;
}

kube::Result<std::vector<gpu::NodeGpus>> GatherInventory(kube::Client& client, const PodFilter& ignore) {
  gpu::InventoryBuilder builder;
  // The builder and the filter read each item while it is handed on, and
  // keep only what they copy out of it.
  kube::ListOptions nodes_options;
  nodes_options.fields = &InventoryNodeFields();
  nodes_options.items_borrowed = true;
  auto nodes = client.List("/api/v1/nodes", nodes_options, [&](boost::json::object& node) {
    builder.AddNode(node);
    return kube::Status::Ok();
  });
  if (!nodes.ok()) return nodes.status().WithContext("list nodes");
  // kubectl describe node's selection: the pods that hold resources.
  kube::ListOptions pods_options;
  pods_options.field_selector = "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed";
  pods_options.fields = ignore ? &FilteredPodFields() : &InventoryPodFields();
  pods_options.items_borrowed = true;
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
