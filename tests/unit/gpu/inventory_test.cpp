#include <boost/test/unit_test.hpp>

#include "gpu/inventory.h"
#include "gpu/placement.h"
#include "tests/unit/gpu/fixtures.h"

using namespace gpu;
namespace json = boost::json;

namespace {

std::vector<NodeGpus> Build(const json::array& nodes, const std::vector<json::object>& pods = {}) {
  InventoryBuilder b;
  // Pods before nodes: pages of the two lists may arrive in any order.
  for (const auto& p : pods) b.AddPod(p);
  for (const auto& n : nodes) b.AddNode(n.as_object());
  return b.Finish();
}

NodeGpus Find(const std::vector<NodeGpus>& inv, const std::string& name) {
  for (const auto& n : inv) if (n.name == name) return n;
  throw std::runtime_error("no node " + name);
}

json::object InitPod() { return fixtures::Load("pod-init-containers.json").as_object(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(inventory)

BOOST_AUTO_TEST_CASE(reads_gfd_labels_and_allocatable) {
  auto inv = Build(fixtures::Nodes());
  const auto& h = Find(inv, "gpu-h100-0");
  BOOST_CHECK_EQUAL(h.product, "NVIDIA-H100-80GB-HBM3");
  BOOST_CHECK_EQUAL(h.memory_mib.value(), 81559);
  BOOST_CHECK(h.memory_source == MemorySource::kLabel);
  BOOST_CHECK_EQUAL(h.family, "hopper");
  BOOST_CHECK_EQUAL(h.driver_version, "550.127.05");
  BOOST_CHECK_EQUAL(h.allocatable(), 8);
  BOOST_CHECK_EQUAL(h.free(), 8);
  BOOST_CHECK(h.ready);
  BOOST_CHECK(h.untolerated_taints().empty());  // nvidia.com/gpu and sku=gpu are tolerated
  BOOST_CHECK_EQUAL(h.taints.size(), 2u);
  BOOST_CHECK(!Find(inv, "cpu-0").has_gpus());
  // The deprecated driver label is read when the new one is absent.
  BOOST_CHECK_EQUAL(Find(inv, "gpu-l4-0").driver_version, "550.90.07");
}

BOOST_AUTO_TEST_CASE(nodes_come_out_in_name_order_and_a_node_added_twice_keeps_its_last_record) {
  auto node = [](const std::string& name, const std::string& gpus) {
    return json::parse(R"({"metadata":{"name":")" + name + R"("},"status":{"allocatable":{"nvidia.com/gpu":")" + gpus +
                       R"("}}})").as_object();
  };
  InventoryBuilder b;
  b.AddNode(node("gpu-b", "1"));
  b.AddNode(node("gpu-a", "2"));
  b.AddNode(node("gpu-c", "3"));
  b.AddNode(node("gpu-b", "4"));  // a page read again after an expired continue token
  b.AddPod(json::parse(R"({"spec":{"nodeName":"gpu-b","containers":[{"resources":{"limits":{"nvidia.com/gpu":"3"}}}]}})")
               .as_object());
  auto inv = b.Finish();
  BOOST_REQUIRE_EQUAL(inv.size(), 3u);
  BOOST_CHECK_EQUAL(inv[0].name, "gpu-a");
  BOOST_CHECK_EQUAL(inv[1].name, "gpu-b");
  BOOST_CHECK_EQUAL(inv[1].allocatable(), 4);
  BOOST_CHECK_EQUAL(inv[1].requested(), 3);
  BOOST_CHECK_EQUAL(inv[2].name, "gpu-c");
  BOOST_CHECK(b.Finish().empty());
}

BOOST_AUTO_TEST_CASE(falls_back_to_instance_type_then_unknown) {
  auto nodes = fixtures::Nodes();
  auto inv = Build(nodes);
  const auto& t4 = Find(inv, "gpu-t4-0");
  BOOST_CHECK_EQUAL(t4.product, "Tesla-T4");
  BOOST_CHECK_EQUAL(t4.memory_mib.value(), 16384);
  BOOST_CHECK(t4.memory_source == MemorySource::kInstanceType);

  fixtures::Labels(fixtures::Node(nodes, "gpu-t4-0"))["node.kubernetes.io/instance-type"] = "Custom_Box_9000";
  const auto& unknown = Find(Build(nodes), "gpu-t4-0");
  BOOST_CHECK(!unknown.memory_mib.has_value());
  BOOST_CHECK(unknown.memory_source == MemorySource::kUnknown);
  BOOST_CHECK_EQUAL(unknown.product, "");
  BOOST_CHECK_EQUAL(unknown.allocatable(), 1);
}

BOOST_AUTO_TEST_CASE(mig_mixed_slices_are_resources_of_their_own) {
  const auto& mig = Find(Build(fixtures::Nodes()), "gpu-mig-0");
  BOOST_REQUIRE_EQUAL(mig.resources.size(), 3u);
  BOOST_CHECK_EQUAL(mig.resources[0].name, "nvidia.com/mig-1g.10gb");
  BOOST_CHECK(mig.resources[0].mig);
  BOOST_CHECK_EQUAL(mig.resources[0].allocatable, 2);
  BOOST_CHECK_EQUAL(mig.resources[0].memory_mib.value(), 9856);
  BOOST_CHECK_EQUAL(mig.resources[2].memory_mib.value(), 40192);
  BOOST_CHECK_EQUAL(mig.allocatable(), 4);
}

BOOST_AUTO_TEST_CASE(time_slicing_marks_gpus_shared) {
  auto nodes = fixtures::Nodes();
  fixtures::Labels(fixtures::Node(nodes, "gpu-l4-0"))["nvidia.com/gpu.replicas"] = "4";
  BOOST_CHECK(Find(Build(nodes), "gpu-l4-0").resources[0].shared);
  // Renamed resources are shared whatever the labels say.
  auto& alloc = fixtures::Node(nodes, "gpu-a100-0")["status"].as_object()["allocatable"].as_object();
  alloc.erase("nvidia.com/gpu");
  alloc["nvidia.com/gpu.shared"] = "10";
  const auto& a = Find(Build(nodes), "gpu-a100-0");
  BOOST_REQUIRE_EQUAL(a.resources.size(), 1u);
  BOOST_CHECK(a.resources[0].shared);
  BOOST_CHECK_EQUAL(a.allocatable(), 10);
}

BOOST_AUTO_TEST_CASE(not_ready_node_with_unreachable_taints) {
  const auto& n = Find(Build(fixtures::Nodes()), "gpu-a10-notready");
  BOOST_CHECK(!n.ready);
  BOOST_CHECK_EQUAL(n.allocatable(), 1);
}

BOOST_AUTO_TEST_CASE(init_containers_count_as_their_maximum) {
  // The captured pod: an init container with 3 GPUs, two containers with 1 each.
  auto req = EffectiveGpuRequests(InitPod());
  BOOST_CHECK_EQUAL(req.at("nvidia.com/gpu").Value(), 3);
  auto pod = InitPod();
  pod["spec"].as_object()["initContainers"].as_array()[0].as_object()["resources"] =
      json::object{{"limits", json::object{{"nvidia.com/gpu", "1"}}}};
  BOOST_CHECK_EQUAL(EffectiveGpuRequests(pod).at("nvidia.com/gpu").Value(), 2);
  pod["spec"].as_object()["overhead"] = json::object{{"nvidia.com/gpu", "1"}};
  BOOST_CHECK_EQUAL(EffectiveGpuRequests(pod).at("nvidia.com/gpu").Value(), 3);
}

BOOST_AUTO_TEST_CASE(free_subtracts_running_pods_only) {
  auto running = InitPod();
  auto succeeded = InitPod();
  succeeded["status"].as_object()["phase"] = "Succeeded";
  auto failed = InitPod();
  failed["status"].as_object()["phase"] = "Failed";
  auto elsewhere = InitPod();
  elsewhere["spec"].as_object()["nodeName"] = "no-such-node";
  auto unbound = InitPod();
  unbound["spec"].as_object().erase("nodeName");
  auto inv = Build(fixtures::Nodes(), {running, succeeded, failed, elsewhere, unbound});
  const auto& h = Find(inv, "gpu-h100-0");
  BOOST_CHECK_EQUAL(h.requested(), 3);
  BOOST_CHECK_EQUAL(h.free(), 5);
}

BOOST_AUTO_TEST_CASE(tolerations_cover_gpu_taints_only) {
  BOOST_CHECK(DefaultTolerationsCover({"nvidia.com/gpu", "present", "NoSchedule"}));
  BOOST_CHECK(DefaultTolerationsCover({"sku", "gpu", "NoSchedule"}));
  BOOST_CHECK(!DefaultTolerationsCover({"sku", "cpu", "NoSchedule"}));
  BOOST_CHECK(!DefaultTolerationsCover({"nvidia.com/gpu", "present", "NoExecute"}));
  BOOST_CHECK(!DefaultTolerationsCover({"dedicated", "ml", "NoSchedule"}));
}

BOOST_AUTO_TEST_SUITE_END()

// Regression: nvidia.com/gpu of 2^63 on a node made totals negative and
// planning loop forever (tp *= 2 overflowed).
BOOST_AUTO_TEST_CASE(gpu_counts_near_2_to_the_63_saturate_and_planning_ends) {
  auto nodes = fixtures::Nodes();
  auto& mig = fixtures::Node(nodes, "gpu-mig-0");
  auto& alloc = mig["status"].as_object()["allocatable"].as_object();
  alloc["nvidia.com/mig-1g.10gb"] = "9223372036854775807";
  alloc["nvidia.com/mig-2g.20gb"] = "9223372036854775808";
  auto& h100 = fixtures::Node(nodes, "gpu-h100-0");
  h100["status"].as_object()["allocatable"].as_object()["nvidia.com/gpu"] = "9223372036854775808";
  gpu::InventoryBuilder b;
  for (auto& n : nodes) b.AddNode(n.as_object());
  auto inv = b.Finish();
  for (const auto& n : inv) {
    BOOST_CHECK_GE(n.allocatable(), 0);
    BOOST_CHECK_GE(n.free(), 0);
  }
  gpu::PlanRequest r;
  r.model = gpu::FindModel("phi-3-mini");
  auto plan = gpu::PlanPlacement(r, inv);
  BOOST_CHECK(plan.ok);
}

// Regression (found by tests/e2e/hostile_test.sh): a gpu.memory label of
// 99999999999999999999 threw out of std::stol and ended in "internal error".
BOOST_AUTO_TEST_CASE(a_memory_label_too_large_for_a_long_is_unknown_memory) {
  auto nodes = fixtures::Nodes();
  auto& l4 = fixtures::Node(nodes, "gpu-l4-0");
  fixtures::Labels(l4)["nvidia.com/gpu.memory"] = "99999999999999999999";
  fixtures::Labels(l4)["nvidia.com/gpu.replicas"] = "-3";
  gpu::InventoryBuilder b;
  for (auto& n : nodes) b.AddNode(n.as_object());
  for (const auto& n : b.Finish()) {
    if (n.name == "gpu-l4-0") BOOST_CHECK(n.memory_source != gpu::MemorySource::kLabel);
  }
}

BOOST_AUTO_TEST_SUITE(compute_capability)

BOOST_AUTO_TEST_CASE(labels_then_product_then_family) {
  auto nodes = fixtures::Nodes();
  InventoryBuilder b;
  for (auto& n : nodes) b.AddNode(n.as_object());
  std::map<std::string, NodeGpus> by_name;
  for (auto& n : b.Finish()) by_name[n.name] = n;
  // GFD's nvidia.com/gpu.compute.* labels.
  BOOST_REQUIRE(by_name["gpu-h100-0"].compute);
  BOOST_CHECK_EQUAL(by_name["gpu-h100-0"].compute->ToString(), "9.0");
  BOOST_CHECK(by_name["gpu-h100-0"].compute_source == ComputeSource::kLabel);
  // No GFD at all: the instance type names a Tesla-T4, NVIDIA's table says 7.5.
  BOOST_REQUIRE(by_name["gpu-t4-0"].compute);
  BOOST_CHECK_EQUAL(by_name["gpu-t4-0"].compute->ToString(), "7.5");
  BOOST_CHECK(by_name["gpu-t4-0"].compute_source == ComputeSource::kProduct);
  BOOST_CHECK(!by_name["cpu-0"].compute);
}

BOOST_AUTO_TEST_CASE(the_table_reads_gfd_product_names) {
  for (auto [product, want] : std::vector<std::pair<std::string, std::string>>{
           {"Tesla-T4", "7.5"}, {"Tesla-V100-SXM2-16GB", "7.0"}, {"NVIDIA-A100-SXM4-80GB", "8.0"},
           {"NVIDIA-A10G", "8.6"}, {"NVIDIA-L4", "8.9"}, {"NVIDIA-L40S", "8.9"}, {"NVIDIA-H100-80GB-HBM3", "9.0"},
           {"NVIDIA-H200", "9.0"}, {"NVIDIA-RTX-A6000", "8.6"}, {"NVIDIA-B200", "10.0"}}) {
    BOOST_TEST_CONTEXT(product) {
      auto cc = ComputeCapabilityOfProduct(product);
      BOOST_REQUIRE(cc);
      BOOST_CHECK_EQUAL(cc->ToString(), want);
    }
  }
  BOOST_CHECK(!ComputeCapabilityOfProduct("NVIDIA-Unheard-Of-9000"));
  BOOST_CHECK(!ComputeCapabilityOfProduct(""));
  BOOST_CHECK_EQUAL(ComputeCapabilityOfFamily("ampere")->ToString(), "8.0");
  BOOST_CHECK(!ComputeCapabilityOfFamily("unknown-family"));
}

BOOST_AUTO_TEST_CASE(a_hostile_compute_label_is_ignored) {
  auto nodes = fixtures::Nodes();
  auto& labels = fixtures::Labels(fixtures::Node(nodes, "gpu-h100-0"));
  labels["nvidia.com/gpu.compute.major"] = "99999999999999999999";
  InventoryBuilder b;
  b.AddNode(fixtures::Node(nodes, "gpu-h100-0"));
  auto inv = b.Finish();
  // Falls back to the product's entry.
  BOOST_REQUIRE(inv[0].compute);
  BOOST_CHECK_EQUAL(inv[0].compute->ToString(), "9.0");
  BOOST_CHECK(inv[0].compute_source == ComputeSource::kProduct);
}

BOOST_AUTO_TEST_SUITE_END()
