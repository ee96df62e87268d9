// Gathering what commands decide on: thin wrappers over kube::Client that
// feed gpu/'s builders page by page.
#pragma once

#include <functional>
#include <vector>

#include "gpu/inventory.h"
#include "kube/client.h"
#include "kube/list_reader.h"
#include "kube/status.h"

namespace lm {

// Lists the nodes and the bound, non-terminal pods of every namespace, in
// pages, into the GPU inventory. Pods for which `ignore` is true are not
// counted: deploy ignores the deployment's own pods, so that re-running it
// plans the same as the first time. A filter reads the pod's metadata
// (name, namespace, labels) and keeps nothing of it.
using PodFilter = std::function<bool(const boost::json::object& pod)>;
kube::Result<std::vector<gpu::NodeGpus>> GatherInventory(kube::Client& client, const PodFilter& ignore = nullptr);

// The fields GatherInventory keeps of each node and pod; of each pod with
// a PodFilter, also its metadata's name, namespace and labels.
const kube::FieldMask& InventoryNodeFields();
const kube::FieldMask& InventoryPodFields();
const kube::FieldMask& FilteredPodFields();

}  // namespace lm
