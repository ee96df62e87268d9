// Reading a Kubernetes List as it arrives: Boost.JSON's event parser
// (basic_parser) over the page's bytes, with each element of "items" built
// as an object of only the fields a caller asks for (a FieldMask), handed
// on, and dropped. Neither the page nor any item is held whole, so a list's
// memory does not grow with its objects' size, and what no caller reads is
// never allocated. Knows nothing of the objects' kinds.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "kube/status.h"

namespace kube {

class ProtoListPlan;

// Which fields of an item to keep: a tree of keys; a node marked `all`
// keeps everything under it. Arrays are transparent: "spec.containers.resources"
// keeps each container's resources.
struct FieldMask {
  bool all = false;
  std::map<std::string, FieldMask, std::less<>> fields;
  // From dotted paths ("metadata.name", "spec.containers.resources").
  static FieldMask Of(std::initializer_list<std::string_view> paths);
};

class ListReader {
 public:
  // `mask` null keeps every field; `each` may stop the reading with an error.
  // With `proto` (made with the same mask), a body in Kubernetes' protobuf
  // encoding (kube/protobuf.h) is read as that list, with the same items
  // out; the first byte tells which encoding came ("k8s\0" cannot begin
  // JSON). `borrowed`: see ListOptions::items_borrowed.
  ListReader(const FieldMask* mask, std::function<Status(boost::json::object& item)> each,
             const ProtoListPlan* proto = nullptr, bool borrowed = false);
  ~ListReader();
  ListReader(const ListReader&) = delete;
  ListReader& operator=(const ListReader&) = delete;

  // The next bytes of the page: `each`'s error, or one for a body that is
  // not a JSON object.
  Status Feed(std::string_view bytes);
  // After the last bytes: an error when the document is incomplete.
  Status Finish();
  // How many more bytes of the body must still come, as far as the body
  // has said (a protobuf list's declared length); 0 when it has not.
  uint64_t BytesAhead() const;
  // The list's metadata.continue and metadata.resourceVersion.
  const std::string& continue_token() const;
  const std::string& resource_version() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kube
