// The streaming List reader on any bytes, cut into two chunks at a point
// the input chooses: it never crashes, and whenever the document parses,
// the items it hands on without a mask are exactly the object items
// Boost.JSON's DOM parser reads (a differential check), and with a mask a
// subset of them. A body that begins as protobuf does ("k8s\0", seeded with
// the captured pages of tests/testdata/protobuf) is read as a NodeList or a
// PodList, whole or masked, and as an error's Status: no crash, no leak,
// no read past the input.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "kube/list_reader.h"
#include "kube/protobuf.h"

namespace json = boost::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view all(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t cut = data[0] % (all.size() + 1);
  static const kube::FieldMask mask = kube::FieldMask::Of({"metadata.name", "spec.containers.resources", "status"});
  if (all.starts_with(kube::kProtoMagic.substr(0, 1))) {
    static const kube::FieldMask proto_mask = kube::FieldMask::Of(
        {"metadata.name", "metadata.labels", "spec.taints.key", "spec.containers.resources", "spec.initContainers.name",
         "spec.overhead", "spec.unschedulable", "status.allocatable", "status.phase", "status.conditions.type"});
    // Both kinds' plans made once: the first byte's low bit picks, the next
    // bit whether items are borrowed (built in the reader's scratch memory).
    static const kube::ProtoListPlan nodes(*kube::ProtoListAt("/api/v1/nodes"), &proto_mask);
    static const kube::ProtoListPlan pods(*kube::ProtoListAt("/api/v1/pods"), &proto_mask);
    kube::ListReader r(
        &proto_mask,
        [&](json::object& o) {
          // Only what the mask keeps, whatever the bytes said.
          for (const auto& kv : o) {
            if (!proto_mask.fields.contains(kv.key()) || !kv.value().is_object()) __builtin_trap();
          }
          return kube::Status::Ok();
        },
        data[0] & 1 ? &nodes : &pods, (data[0] & 2) != 0);
    kube::Status s = r.Feed(all.substr(0, cut));
    if (s.ok()) s = r.Feed(all.substr(cut));
    if (s.ok()) (void)r.Finish();
    (void)kube::DecodeProtoStatus(all);
    return 0;
  }
  std::vector<json::object> whole, masked;
  for (const kube::FieldMask* m : {static_cast<const kube::FieldMask*>(nullptr), &mask}) {
    auto& out = m ? masked : whole;
    kube::ListReader r(m, [&](json::object& o) {
      out.push_back(o);
      return kube::Status::Ok();
    });
    kube::Status s = r.Feed(all.substr(0, cut));
    if (s.ok()) s = r.Feed(all.substr(cut));
    if (s.ok()) s = r.Finish();
    if (!s.ok()) return 0;
  }
  boost::system::error_code ec;
  json::value v = json::parse(all, ec);
  if (ec || !v.is_object()) return 0;
  std::vector<json::object> want;
  if (auto* items = v.as_object().if_contains("items"); items && items->is_array()) {
    for (const auto& i : items->as_array()) {
      if (i.is_object()) want.push_back(i.as_object());
    }
  }
  // Duplicate keys: the DOM parser and the reader may keep different ones.
  if (all.find("\"items\"") != all.rfind("\"items\"")) return 0;
  if (whole != want || masked.size() != want.size()) __builtin_trap();
  return 0;
}
