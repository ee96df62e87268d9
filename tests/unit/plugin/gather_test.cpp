// The inventory's lists read as protobuf give the inventory JSON gives: on
// the real pages in tests/testdata/protobuf (one resourceVersion, both
// encodings; see SOURCES.md there), fed to gpu::InventoryBuilder with the
// masks GatherInventory uses.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "gpu/inventory.h"
#include "kube/list_reader.h"
#include "kube/protobuf.h"
#include "plugin/gather.h"
#include "plugin/ownership.h"
#include "testdata.h"

namespace {

std::string Captured(const std::string& name) { return TestdataFile("protobuf/" + name); }

// As GatherInventory has kube::Client read them: items borrowed.
void Feed(const std::string& body, const kube::FieldMask& mask, const kube::ProtoList* proto,
          const std::function<void(boost::json::object&)>& add) {
  std::optional<kube::ProtoListPlan> plan;
  if (proto) plan.emplace(*proto, &mask);
  kube::ListReader r(
      &mask,
      [&](boost::json::object& o) {
        add(o);
        return kube::Status::Ok();
      },
      plan ? &*plan : nullptr, true);
  BOOST_REQUIRE(r.Feed(body).ok());
  BOOST_REQUIRE(r.Finish().ok());
}

// Everything the printers show of each node, one line each; pods for
// which `ignore` is true not counted (GatherInventory's PodFilter, with the
// fields it reads).
std::string Inventory(const std::string& ext, const lm::PodFilter& ignore = nullptr) {
  gpu::InventoryBuilder b;
  const kube::ProtoList* nodes = ext == "pb" ? kube::ProtoListAt("/api/v1/nodes") : nullptr;
  const kube::ProtoList* pods = ext == "pb" ? kube::ProtoListAt("/api/v1/pods") : nullptr;
  Feed(Captured("nodes." + ext), lm::InventoryNodeFields(), nodes, [&](auto& n) { b.AddNode(n); });
  Feed(Captured("pods." + ext), ignore ? lm::FilteredPodFields() : lm::InventoryPodFields(), pods, [&](auto& p) {
    if (!ignore || !ignore(p)) b.AddPod(p);
  });
  std::ostringstream out;
  for (const gpu::NodeGpus& n : b.Finish()) {
    out << n.name << " " << n.product << " " << n.memory_mib.value_or(-1) << " " << n.instance_type << " ready="
        << n.ready << " unschedulable=" << n.unschedulable;
    for (const auto& r : n.resources) out << " " << r.name << "=" << r.requested << "/" << r.allocatable;
    for (const auto& t : n.taints) out << " " << t.ToString();
    out << "\n";
  }
  return out.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gather)

BOOST_AUTO_TEST_CASE(the_inventory_lists_come_as_protobuf) {
  BOOST_CHECK(kube::ProtoCovers(*kube::ProtoListAt("/api/v1/nodes")->item, lm::InventoryNodeFields()));
  BOOST_CHECK(kube::ProtoCovers(*kube::ProtoListAt("/api/v1/pods")->item, lm::InventoryPodFields()));
  BOOST_CHECK(kube::ProtoCovers(*kube::ProtoListAt("/api/v1/pods")->item, lm::FilteredPodFields()));
}

BOOST_AUTO_TEST_CASE(a_pod_filter_reads_the_fields_it_needs) {
  // deploy's filter: the deployment's own pod (capture/phi-3-mini) is not
  // counted, so gpu-h100-0 holds 4 GPUs, not 5, read from either encoding.
  lm::PodFilter mine = [](const boost::json::object& pod) { return lm::own::IsPodOf(pod, "phi-3-mini", "capture"); };
  const std::string from_json = Inventory("json", mine);
  BOOST_CHECK_EQUAL(Inventory("pb", mine), from_json);
  BOOST_CHECK(from_json.find("gpu-h100-0 NVIDIA-H100-80GB-HBM3 81559 Standard_ND96isr_H100_v5 ready=1 unschedulable=0 "
                             "nvidia.com/gpu=4/8") != std::string::npos);
  // The plain mask has no metadata: what it gives a filter matches nothing.
  BOOST_CHECK(lm::InventoryPodFields().fields.count("metadata") == 0);
}

BOOST_AUTO_TEST_CASE(the_inventory_from_protobuf_is_the_inventory_from_json) {
  const std::string from_json = Inventory("json");
  BOOST_CHECK_EQUAL(Inventory("pb"), from_json);
  // Not vacuous. gpu-h100-0 holds 5 GPUs: 2 for gpu-init (its largest init
  // container), 1 + 1 overhead for gpu-overhead, 1 for the model's pod.
  BOOST_CHECK(from_json.find("gpu-h100-0 NVIDIA-H100-80GB-HBM3 81559 Standard_ND96isr_H100_v5 ready=1 unschedulable=0 "
                             "nvidia.com/gpu=5/8") != std::string::npos);
  BOOST_CHECK(from_json.find("gpu-a100-0 NVIDIA-A100-80GB-PCIe 81920 Standard_NC24ads_A100_v4 ready=1 unschedulable=0 "
                             "nvidia.com/gpu=1/1") != std::string::npos);
  BOOST_CHECK(from_json.find("unschedulable=1 nvidia.com/gpu=0/4 sku=gpu:NoSchedule "
                             "node.kubernetes.io/unschedulable:NoSchedule") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
