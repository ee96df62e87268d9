// Kubernetes' protobuf encoding, read (k8s.io/apimachinery's
// runtime/serializer/protobuf): every answer is "k8s\0" and a runtime.Unknown
// that holds the object's own bytes. Objects are decoded by a schema into
// the JSON objects the API's JSON encoding gives for the same fields, so a
// caller cannot tell which encoding the server chose. What no schema names
// is skipped by its wire type, unread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "kube/status.h"

namespace kube {

struct FieldMask;
struct ProtoPlan;

// The four bytes before every protobuf body.
inline constexpr std::string_view kProtoMagic{"k8s\0", 4};
inline constexpr const char* kProtoContentType = "application/vnd.kubernetes.protobuf";

// How one field of a message maps onto the object's JSON.
enum class ProtoKind {
  kString,
  kBool,
  kInt64,
  kMessage,      // an object; a second occurrence merges into the first
  kMessages,     // repeated message: an array of objects
  kStrings,      // repeated string
  kStringMap,    // map<string, string>: an object of strings
  kQuantityMap,  // map<string, resource.Quantity>: an object of quantity strings
};

struct ProtoMessage;
struct ProtoField {
  int number;
  std::string_view name;  // its JSON name
  ProtoKind kind;
  const ProtoMessage* message = nullptr;  // kMessage and kMessages
  // Go's JSON for it has no omitempty: "" and false are written. (Protobuf
  // writes them for every field; the others are dropped, as JSON drops them.)
  bool keep_empty = false;
};

struct ProtoMessage {
  std::span<const ProtoField> fields;
  // Every field of the type is in `fields`: a mask may keep it whole.
  bool complete = false;
};

// A list the API server can send as protobuf: its kind ("NodeList") and its
// items' schema.
struct ProtoList {
  std::string_view kind;
  const ProtoMessage* item;
};

// The list at an API path (GET /api/v1/nodes, /api/v1/namespaces/NS/pods)
// when it is one this client has a schema for (kube/core_v1_proto.cpp), else
// null.
const ProtoList* ProtoListAt(std::string_view path);

// True when every field `mask` keeps is in `schema`, at every depth, so that
// the decoded object holds all that the JSON reader would keep. A list whose
// mask is not covered must be asked for as JSON.
bool ProtoCovers(const ProtoMessage& schema, const FieldMask& mask);

// A whole protobuf body that holds a metav1.Status (the API server's errors
// come in the encoding the request accepted): {"kind": "Status", "reason",
// "message"} as its JSON would have them. nullopt when `body` is not that.
std::optional<boost::json::object> DecodeProtoStatus(std::string_view body);

// A list's schema with only the fields `mask` keeps (null: all the schema
// has), compiled for reading: made once per listing, used by every page's
// reader.
class ProtoListPlan {
 public:
  ProtoListPlan(const ProtoList& list, const FieldMask* mask);
  ~ProtoListPlan();
  ProtoListPlan(const ProtoListPlan&) = delete;
  ProtoListPlan& operator=(const ProtoListPlan&) = delete;
  std::string_view kind() const { return kind_; }
  const ProtoPlan& items() const { return *items_; }

 private:
  std::string_view kind_;
  std::unique_ptr<ProtoPlan> items_;
};

// Reads a protobuf list as it arrives, as ListReader reads a JSON one: each
// item decoded by `plan`, handed on, and dropped. Holds at most one item's
// bytes. With `borrowed` (ListOptions::items_borrowed), items are built in
// scratch memory that the next item reuses: `each` must keep nothing of
// them.
class ProtoListReader {
 public:
  ProtoListReader(const ProtoListPlan& plan, std::function<Status(boost::json::object&)> each, bool borrowed = false);
  ~ProtoListReader();
  ProtoListReader(const ProtoListReader&) = delete;
  ProtoListReader& operator=(const ProtoListReader&) = delete;
  // The next bytes: `each`'s error, or one for a body that is not this list.
  Status Feed(std::string_view bytes);
  // After the last bytes: an error when the body ended early.
  Status Finish();
  // The bytes of the list not yet fed: its length is said before it.
  uint64_t BytesAhead() const { return in_raw_ && raw_left_ > pending_.size() ? raw_left_ - pending_.size() : 0; }
  const std::string& continue_token() const { return continue_; }
  const std::string& resource_version() const { return resource_version_; }

 private:
  // How far Consume got: it needs more bytes, or the body is malformed.
  enum class Step { kMore, kBad, kDone };
  Step Consume(std::string_view data, size_t* used);
  Step Envelope(std::string_view data, size_t* used);
  Step InRaw(std::string_view data, size_t* used);

  const ProtoListPlan& plan_;
  std::function<Status(boost::json::object&)> each_;
  struct Scratch;
  std::unique_ptr<Scratch> scratch_;  // with `borrowed`
  std::string pending_;  // bytes of a unit not yet whole
  size_t unit_size_ = 0;  // its size, once its header was read
  std::string continue_, resource_version_;
  Status failure_;
  bool magic_ = false, kind_checked_ = false, in_raw_ = false, raw_seen_ = false;
  uint64_t raw_left_ = 0;
};

}  // namespace kube
