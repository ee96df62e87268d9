// Kubernetes' protobuf encoding, read (kube/protobuf.h), on real answers of
// kube-apiserver v1.36 captured from the e2e cluster (tests/testdata/
// protobuf, see SOURCES.md there): the same list at one resourceVersion in
// JSON and in protobuf, and a protobuf 404. What they prove: every field a
// schema has decodes to exactly the JSON the server sends for it, whatever
// the chunking; an error in protobuf reads as the JSON one does; bodies cut
// or corrupted are refused, not misread.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <vector>

#include <boost/json.hpp>

#include "kube/api_error.h"
#include "kube/client.h"
#include "kube/list_reader.h"
#include "kube/protobuf.h"
#include "testdata.h"

namespace json = boost::json;
using kube::FieldMask;
using kube::ListReader;

namespace {

std::string Captured(const std::string& name) { return TestdataFile("protobuf/" + name); }

// Every field the core/v1 schemas have, leaf by leaf.
const FieldMask kNodeMask = FieldMask::Of(
    {"metadata.name", "metadata.generateName", "metadata.namespace", "metadata.uid", "metadata.resourceVersion",
     "metadata.generation", "metadata.labels", "metadata.annotations", "metadata.finalizers", "spec.podCIDR",
     "spec.providerID", "spec.unschedulable", "spec.taints.key", "spec.taints.value", "spec.taints.effect",
     "spec.podCIDRs", "status.capacity", "status.allocatable", "status.phase", "status.conditions.type",
     "status.conditions.status", "status.conditions.reason", "status.conditions.message"});
const FieldMask kPodMask = FieldMask::Of(
    {"metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels", "metadata.annotations",
     "metadata.generation", "spec.containers.name", "spec.containers.image", "spec.containers.resources",
     "spec.containers.restartPolicy", "spec.initContainers.name", "spec.initContainers.resources",
     "spec.initContainers.restartPolicy", "spec.initContainers.image", "spec.restartPolicy", "spec.nodeSelector",
     "spec.serviceAccountName", "spec.nodeName", "spec.schedulerName", "spec.overhead", "status.phase",
     "status.message", "status.reason", "status.hostIP", "status.podIP"});

struct Read {
  std::vector<json::object> items;
  std::string cont, rv;
  kube::Status status;
};

// Reads `body` in chunks of `size`, as the protobuf `list` when given;
// `borrowed`: items built in the reader's scratch memory, copied out here
// (into the default storage) before the next one reuses it.
Read ReadIn(const std::string& body, size_t size, const FieldMask* mask, const kube::ProtoList* list,
            bool borrowed = false) {
  Read out;
  std::optional<kube::ProtoListPlan> plan;
  if (list) plan.emplace(*list, mask);
  ListReader r(
      mask,
      [&](json::object& o) {
        out.items.push_back(json::object(o, json::storage_ptr()));
        return kube::Status::Ok();
      },
      plan ? &*plan : nullptr, borrowed);
  for (size_t i = 0; i < body.size() && out.status.ok(); i += size) {
    out.status = r.Feed(std::string_view(body).substr(i, size));
  }
  if (out.status.ok()) out.status = r.Finish();
  out.cont = r.continue_token();
  out.rv = r.resource_version();
  return out;
}

// Builders for hand-made bodies (wire format: protobuf.dev).
std::string Varint(uint64_t v) {
  std::string s;
  do {
    s += static_cast<char>((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
  return s;
}
std::string Len(int field, const std::string& bytes) { return Varint(field << 3 | 2) + Varint(bytes.size()) + bytes; }
std::string ListBody(const std::string& kind, const std::string& raw, const std::string& encoding = "") {
  return std::string(kube::kProtoMagic) + Len(1, Len(1, "v1") + Len(2, kind)) + Len(2, raw) + Len(3, encoding) +
         Len(4, "");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(protobuf)

BOOST_AUTO_TEST_CASE(the_captured_lists_decode_to_the_json_the_server_sends_in_any_chunking) {
  const kube::ProtoList* nodes = kube::ProtoListAt("/api/v1/nodes");
  const kube::ProtoList* pods = kube::ProtoListAt("/api/v1/pods");
  BOOST_REQUIRE(nodes && pods);
  BOOST_REQUIRE(kube::ProtoCovers(*nodes->item, kNodeMask));
  BOOST_REQUIRE(kube::ProtoCovers(*pods->item, kPodMask));
  for (auto [name, list, mask] : {std::tuple{"nodes", nodes, &kNodeMask}, std::tuple{"pods", pods, &kPodMask}}) {
    const Read want = ReadIn(Captured(std::string(name) + ".json"), 1 << 20, mask, nullptr);
    BOOST_REQUIRE(want.status.ok());
    BOOST_REQUIRE_GE(want.items.size(), 4u);
    const std::string pb = Captured(std::string(name) + ".pb");
    BOOST_REQUIRE(pb.starts_with(kube::kProtoMagic));
    for (auto [size, borrowed] : {std::pair<size_t, bool>{1, false}, {2, false}, {5, false}, {13, false},
                                  {4096, false}, {1 << 20, false}, {1, true}, {4096, true}, {1 << 20, true}}) {
      BOOST_TEST_CONTEXT(name << " in chunks of " << size << (borrowed ? ", borrowed" : "")) {
        const Read got = ReadIn(pb, size, mask, list, borrowed);
        BOOST_REQUIRE_MESSAGE(got.status.ok(), got.status.message());
        BOOST_REQUIRE_EQUAL(got.items.size(), want.items.size());
        for (size_t i = 0; i < got.items.size(); ++i) {
          // Key order differs (field numbers, not Go's struct order); the
          // objects are equal.
          BOOST_CHECK_MESSAGE(got.items[i] == want.items[i],
                              json::serialize(got.items[i]) << "\n  !=\n" << json::serialize(want.items[i]));
        }
        BOOST_CHECK_EQUAL(got.rv, want.rv);
        BOOST_CHECK_EQUAL(got.cont, "");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_list_says_how_many_of_its_bytes_are_still_to_come) {
  // What the transport may wait for (HttpRequest::body_ahead): from the
  // list's header on, the bytes fed and the bytes ahead add up to where the
  // list ends, a few envelope bytes before the body's end; before the header
  // and after the list, nothing is promised.
  const std::string pb = Captured("nodes.pb");
  const kube::ProtoListPlan plan(*kube::ProtoListAt("/api/v1/nodes"), &kNodeMask);
  ListReader r(&kNodeMask, [](json::object&) { return kube::Status::Ok(); }, &plan);
  BOOST_CHECK_EQUAL(r.BytesAhead(), 0u);
  size_t fed = 0, list_end = 0;
  for (; fed < pb.size(); fed += 7) {
    BOOST_REQUIRE(r.Feed(std::string_view(pb).substr(fed, 7)).ok());
    const size_t now = std::min(fed + 7, pb.size());
    if (r.BytesAhead() == 0) continue;
    if (list_end == 0) list_end = now + r.BytesAhead();
    BOOST_CHECK_EQUAL(now + r.BytesAhead(), list_end);
  }
  BOOST_CHECK_GT(list_end, pb.size() - 16);
  BOOST_CHECK_LE(list_end, pb.size());
  BOOST_CHECK_EQUAL(r.BytesAhead(), 0u);
  BOOST_CHECK(r.Finish().ok());
  // JSON says nothing ahead.
  ListReader j(&kNodeMask, [](json::object&) { return kube::Status::Ok(); }, &plan);
  BOOST_REQUIRE(j.Feed(Captured("nodes.json").substr(0, 100)).ok());
  BOOST_CHECK_EQUAL(j.BytesAhead(), 0u);
}

BOOST_AUTO_TEST_CASE(the_captured_lists_hold_the_cases_the_inventory_reads) {
  // So that the comparison above is not vacuous: a cordoned node, taints
  // with and without a value, conditions, GPU quantities; a pod with init
  // containers (one a sidecar), one with overhead from its RuntimeClass.
  const Read nodes = ReadIn(Captured("nodes.pb"), 4096, &kNodeMask, kube::ProtoListAt("/api/v1/nodes"));
  BOOST_REQUIRE(nodes.status.ok());
  int cordoned = 0, taints = 0, gpus = 0, ready = 0;
  for (const auto& n : nodes.items) {
    const auto& spec = n.at("spec").as_object();
    cordoned += spec.contains("unschedulable");
    if (auto* t = spec.if_contains("taints")) taints += t->as_array().size();
    gpus += n.at("status").at("allocatable").as_object().contains("nvidia.com/gpu");
    if (auto* cs = n.at("status").as_object().if_contains("conditions")) {
      for (const auto& c : cs->as_array()) ready += c.at("type") == "Ready" && c.at("status") == "True";
    }
  }
  BOOST_CHECK_EQUAL(cordoned, 1);
  BOOST_CHECK_GE(taints, 3);
  BOOST_CHECK_GE(gpus, 5);
  BOOST_CHECK_EQUAL(ready, static_cast<int>(nodes.items.size()) - 1);  // gpu-a10-notready has no kubelet

  const Read pods = ReadIn(Captured("pods.pb"), 4096, &kPodMask, kube::ProtoListAt("/api/v1/namespaces/capture/pods"));
  BOOST_REQUIRE(pods.status.ok());
  std::map<std::string, json::object> by_name;
  for (const auto& p : pods.items) by_name[std::string(p.at("metadata").at("name").as_string())] = p;
  const auto& init = by_name.at("gpu-init").at("spec").at("initContainers").as_array();
  BOOST_REQUIRE_EQUAL(init.size(), 2u);
  BOOST_CHECK_EQUAL(init[0].at("resources").at("limits").at("nvidia.com/gpu"), "2");
  BOOST_CHECK_EQUAL(init[1].at("restartPolicy"), "Always");
  BOOST_CHECK_EQUAL(by_name.at("gpu-overhead").at("spec").at("overhead").at("nvidia.com/gpu"), "1");
  BOOST_CHECK_EQUAL(by_name.at("gpu-main").at("status").at("phase"), "Running");
}

BOOST_AUTO_TEST_CASE(a_protobuf_error_reads_as_its_json_twin) {
  kube::Status s = kube::DecodeApiError(404, Captured("status-404.pb"), "GET /api/v1/namespaces/capture/pods/nope");
  BOOST_CHECK_EQUAL(s.message(), "Error from server (NotFound): pods \"nope\" not found");
  BOOST_CHECK(s.kind() == kube::Kind::kNotFound);
  // Not a Status: the bytes are not printed.
  kube::Status other = kube::DecodeApiError(500, ListBody("NodeList", ""), "GET /x");
  BOOST_CHECK_EQUAL(other.message(), "Error from server (InternalError): the server responded with status 500 to GET /x");
}

BOOST_AUTO_TEST_CASE(bodies_cut_or_corrupted_are_refused) {
  const kube::ProtoList* nodes = kube::ProtoListAt("/api/v1/nodes");
  const std::string pb = Captured("nodes.pb");
  // Cut anywhere: never the whole list, never a crash.
  for (size_t cut = 1; cut < pb.size(); cut += 97) {
    Read r = ReadIn(pb.substr(0, cut), 64, &kNodeMask, nodes);
    BOOST_CHECK(!r.status.ok());
  }
  // Another kind than asked for.
  Read pods_as_nodes = ReadIn(Captured("pods.pb"), 4096, &kNodeMask, nodes);
  BOOST_CHECK_EQUAL(pods_as_nodes.status.message(), "the server sent a PodList where a NodeList was asked for");
  BOOST_CHECK(pods_as_nodes.items.empty());
  // A list whose kind is not said before its items.
  const std::string no_kind = std::string(kube::kProtoMagic) + Len(2, Len(2, Len(1, Len(1, "gpu-0"))));
  BOOST_CHECK_EQUAL(ReadIn(no_kind, 4096, &kNodeMask, nodes).status.message(),
                    "the server sent a protobuf body that is malformed");
  // Compressed inside the envelope.
  Read gzip = ReadIn(ListBody("NodeList", "", "gzip"), 4096, &kNodeMask, nodes);
  BOOST_CHECK_EQUAL(gzip.status.message(), "the server sent a protobuf list encoded as gzip, which kubectl-lm does not read");
  // An item longer than the list that holds it.
  Read overlong = ReadIn(ListBody("NodeList", Varint(2 << 3 | 2) + Varint(100) + "xx"), 4096, &kNodeMask, nodes);
  BOOST_CHECK_EQUAL(overlong.status.message(), "the server sent a protobuf body that is malformed");
  // An item that says it is 2 GiB: refused at its header, nothing held.
  const std::string huge_header = std::string(kube::kProtoMagic) + Len(1, Len(2, "NodeList")) + Varint(2 << 3 | 2) +
                                  Varint(uint64_t(2) << 30) + Varint(2 << 3 | 2) + Varint((uint64_t(2) << 30) - 10);
  BOOST_CHECK_EQUAL(ReadIn(huge_header, 7, &kNodeMask, nodes).status.message(),
                    "the server sent a protobuf object larger than 16 MiB; stopped reading it");
  // A kept string that is not UTF-8; the same bytes where nothing reads them pass.
  const std::string bad_name = ListBody("NodeList", Len(2, Len(1, Len(1, "gpu-\xff"))));
  BOOST_CHECK_EQUAL(ReadIn(bad_name, 3, &kNodeMask, nodes).status.message(), "the server sent text that is not UTF-8");
  const std::string bad_cidr = ListBody("NodeList", Len(2, Len(1, Len(1, "gpu-0")) + Len(2, Len(1, "\xff"))));
  const FieldMask names = FieldMask::Of({"metadata.name"});
  Read only_names = ReadIn(bad_cidr, 3, &names, nodes);
  BOOST_REQUIRE_MESSAGE(only_names.status.ok(), only_names.status.message());
  BOOST_CHECK_EQUAL(json::serialize(only_names.items.at(0)), R"({"metadata":{"name":"gpu-0"}})");
  // A map entry without its key (protobuf's default, ""), owned or borrowed.
  const FieldMask labels = FieldMask::Of({"metadata.labels"});
  const std::string keyless = ListBody("NodeList", Len(2, Len(1, Len(11, Len(2, "v")))));
  for (bool borrowed : {false, true}) {
    Read r = ReadIn(keyless, 5, &labels, nodes, borrowed);
    BOOST_REQUIRE_MESSAGE(r.status.ok(), r.status.message());
    BOOST_CHECK_EQUAL(json::serialize(r.items.at(0)), R"({"metadata":{"labels":{"":"v"}}})");
  }
  // A wire type a field cannot have; a group; a varint of eleven bytes.
  for (const std::string& raw : {Len(2, Varint(1 << 3 | 0) + Varint(7)), Len(2, Varint(9 << 3 | 3)),
                                 Len(2, Varint(3 << 3 | 0) + std::string(10, '\xff') + '\x01')}) {
    BOOST_CHECK_EQUAL(ReadIn(ListBody("NodeList", raw), 4096, &kNodeMask, nodes).status.message(),
                      "the server sent a protobuf body that is malformed");
  }
}

BOOST_AUTO_TEST_CASE(only_masks_a_schema_covers_are_read_as_protobuf) {
  const kube::ProtoMessage& node = *kube::ProtoListAt("/api/v1/nodes")->item;
  const kube::ProtoMessage& pod = *kube::ProtoListAt("/api/v1/namespaces/ml/pods")->item;
  BOOST_CHECK(kube::ProtoCovers(node, FieldMask::Of({"metadata.name", "spec.taints.key"})));
  BOOST_CHECK(kube::ProtoCovers(pod, FieldMask::Of({"spec.containers.resources"})));  // complete below
  BOOST_CHECK(!kube::ProtoCovers(node, FieldMask::Of({"metadata"})));                  // managedFields, times...
  BOOST_CHECK(!kube::ProtoCovers(node, FieldMask::Of({"spec.taints"})));               // timeAdded
  BOOST_CHECK(!kube::ProtoCovers(node, FieldMask::Of({"status.nodeInfo"})));
  BOOST_CHECK(!kube::ProtoCovers(node, FieldMask::Of({"metadata.labels.team"})));      // into a map
  BOOST_CHECK(!kube::ProtoCovers(pod, FieldMask::Of({"spec.containers"})));
  BOOST_CHECK(kube::ProtoListAt("/api/v1/namespaces/ml/services") == nullptr);
  BOOST_CHECK(kube::ProtoListAt("/apis/apps/v1/deployments") == nullptr);
  BOOST_CHECK(kube::ProtoListAt("/api/v1/namespaces//pods") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
