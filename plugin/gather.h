// Gathering what commands decide on: thin wrappers over kube::Client that
// feed gpu/'s builders page by page.
#pragma once

#include <vector>

#include "gpu/inventory.h"
#include "kube/client.h"
#include "kube/status.h"

namespace lm {

// Lists the nodes and the bound, non-terminal pods of every namespace, in
// pages, into the GPU inventory.
kube::Result<std::vector<gpu::NodeGpus>> GatherInventory(kube::Client& client);

}  // namespace lm
