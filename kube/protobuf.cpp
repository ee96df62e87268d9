#include "kube/protobuf.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/string.hpp>

#include "kube/list_reader.h"
#include "kube/printable.h"

namespace kube {
namespace json = boost::json;

namespace {

// The wire format (protobuf.dev/programming-guides/encoding): each field is
// a varint tag (number << 3 | wire type) and a payload: a varint (0), eight
// bytes (1), a varint length and that many bytes (2), or four bytes (5).
// Groups (3, 4) are long deprecated; nothing Kubernetes writes has them.
enum class Got { kOk, kMore, kBad };

struct Field {
  uint32_t number = 0;
  int wire = 0;
  uint64_t value = 0;      // wire 0: the value; 1, 2, 5: the payload's length
  std::string_view bytes;  // wire 1, 2, 5: the payload
};

inline Got Varint(std::string_view d, size_t* pos, uint64_t* v) {
  // Most varints (tags, short lengths) are one byte.
  if (*pos < d.size() && static_cast<unsigned char>(d[*pos]) < 0x80) {
    *v = static_cast<unsigned char>(d[(*pos)++]);
    return Got::kOk;
  }
  uint64_t r = 0;
  for (size_t i = 0; i < 10; ++i) {
    if (*pos + i >= d.size()) return Got::kMore;
    const auto c = static_cast<unsigned char>(d[*pos + i]);
    if (i == 9 && c > 1) return Got::kBad;  // more than 64 bits
    r |= uint64_t(c & 0x7f) << (7 * i);
    if (c < 0x80) {
      *pos += i + 1;
      *v = r;
      return Got::kOk;
    }
  }
  return Got::kBad;
}

// The tag and, for wire types 0 and 2, the varint after it. *pos ends at
// the payload.
Got Header(std::string_view d, size_t* pos, Field* f) {
  uint64_t tag;
  if (Got g = Varint(d, pos, &tag); g != Got::kOk) return g;
  f->number = static_cast<uint32_t>(tag >> 3);
  f->wire = static_cast<int>(tag & 7);
  if (f->number == 0 || (tag >> 3) > 0x1fffffff) return Got::kBad;
  switch (f->wire) {
    case 0:
    case 2:
      return Varint(d, pos, &f->value);
    case 1:
      f->value = 8;
      return Got::kOk;
    case 5:
      f->value = 4;
      return Got::kOk;
    default:
      return Got::kBad;
  }
}

Got Payload(std::string_view d, size_t* pos, Field* f) {
  if (f->wire == 0) return Got::kOk;
  if (d.size() - *pos < f->value) return Got::kMore;
  f->bytes = d.substr(*pos, f->value);
  *pos += f->value;
  return Got::kOk;
}

Got NextField(std::string_view d, size_t* pos, Field* f) {
  if (Got g = Header(d, pos, f); g != Got::kOk) return g;
  return Payload(d, pos, f);
}

// The most bytes of one unit (an item, the list's metadata) held while it
// arrives. etcd stores objects of at most 1.5 MiB unless told otherwise
// (--max-request-bytes); a larger claim is a broken or hostile server, and
// is refused before its bytes come.
constexpr uint64_t kMaxUnit = 16 << 20;

Status TooLarge() {
  return Status(Kind::kServer, "the server sent a protobuf object larger than " + std::to_string(kMaxUnit >> 20) +
                                   " MiB; stopped reading it");
}

Status Malformed() { return Status(Kind::kServer, "the server sent a protobuf body that is malformed"); }
Status NotText() { return Status(Kind::kServer, "the server sent text that is not UTF-8"); }

// Whether `mask` keeps the field named `name`, and the mask below it (null:
// all of it), as the JSON reader decides.
bool Kept(const FieldMask* mask, std::string_view name, const FieldMask** child) {
  *child = nullptr;
  if (mask == nullptr) return true;
  auto it = mask->fields.find(name);
  if (it == mask->fields.end()) return false;
  if (!it->second.all) *child = &it->second;
  return true;
}

// A text field's bytes, as JSON takes them: UTF-8 only. Inserted as a
// view, so that the value is built in its object's storage.
Status Text(std::string_view bytes, json::string_view* out) {
  if (!ValidUtf8(bytes)) return NotText();
  *out = json::string_view(bytes.data(), bytes.size());
  return Status::Ok();
}

// A map entry: key (1) and value (2); a Quantity value is itself a message
// whose field 1 is the quantity's canonical string, what its JSON is.
Status MapEntry(std::string_view bytes, bool quantity, json::object& out) {
  // Empty unless the entry says otherwise, and never a null pointer (a key
  // is copied with memcpy, which a null source makes undefined).
  json::string_view key(""), value("");
  size_t pos = 0;
  while (pos < bytes.size()) {
    Field f;
    if (NextField(bytes, &pos, &f) != Got::kOk) return Malformed();
    if (f.wire != 2 || (f.number != 1 && f.number != 2)) continue;
    if (f.number == 1) {
      if (Status s = Text(f.bytes, &key); !s.ok()) return s;
    } else if (!quantity) {
      if (Status s = Text(f.bytes, &value); !s.ok()) return s;
    } else {
      size_t q = 0;
      while (q < f.bytes.size()) {
        Field qf;
        if (NextField(f.bytes, &q, &qf) != Got::kOk) return Malformed();
        if (qf.number != 1 || qf.wire != 2) continue;
        if (Status s = Text(qf.bytes, &value); !s.ok()) return s;
      }
    }
  }
  out.insert_or_assign(key, value);
  return Status::Ok();
}

}  // namespace

// A schema and a mask made into one table per message, indexed by field
// number: what to do with each field is one lookup, not a search of the
// schema and of the mask's names for every field of every item.
struct ProtoPlan {
  struct Step {
    const ProtoField* field = nullptr;  // null: skipped
    const ProtoPlan* child = nullptr;   // kMessage, kMessages
  };
  std::vector<Step> by_number;
  std::vector<std::unique_ptr<ProtoPlan>> children;

  ProtoPlan(const ProtoMessage& schema, const FieldMask* mask) {
    for (const ProtoField& f : schema.fields) {
      const FieldMask* child;
      if (!Kept(mask, f.name, &child)) continue;
      if (by_number.size() <= static_cast<size_t>(f.number)) by_number.resize(f.number + 1);
      Step& step = by_number[f.number];
      step.field = &f;
      if (f.kind == ProtoKind::kMessage || f.kind == ProtoKind::kMessages) {
        children.push_back(std::make_unique<ProtoPlan>(*f.message, child));
        step.child = children.back().get();
      }
    }
  }
};

namespace {

// Decodes `bytes` by `plan` into `out`: the fields it keeps, as Go's JSON
// encoding would write them.
Status DecodeMessage(std::string_view bytes, const ProtoPlan& plan, json::object& out) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    Field f;
    if (NextField(bytes, &pos, &f) != Got::kOk) return Malformed();
    if (f.number >= plan.by_number.size()) continue;
    const ProtoPlan::Step& step = plan.by_number[f.number];
    const ProtoField* pf = step.field;
    if (pf == nullptr) continue;
    const bool scalar = pf->kind == ProtoKind::kBool || pf->kind == ProtoKind::kInt64;
    if (f.wire != (scalar ? 0 : 2)) return Malformed();
    switch (pf->kind) {
      case ProtoKind::kString: {
        json::string_view s;
        if (Status st = Text(f.bytes, &s); !st.ok()) return st;
        if (s.empty() && !pf->keep_empty) {
          out.erase(pf->name);  // the last occurrence wins, as in protobuf
        } else {
          out.insert_or_assign(pf->name, s);
        }
        break;
      }
      case ProtoKind::kBool:
        if (f.value == 0 && !pf->keep_empty) {
          out.erase(pf->name);
        } else {
          out.insert_or_assign(pf->name, f.value != 0);
        }
        break;
      case ProtoKind::kInt64:
        if (f.value == 0 && !pf->keep_empty) {
          out.erase(pf->name);
        } else {
          out.insert_or_assign(pf->name, static_cast<int64_t>(f.value));
        }
        break;
      case ProtoKind::kMessage: {
        json::value& slot = out[pf->name];
        if (!slot.is_object()) slot.emplace_object();
        if (Status s = DecodeMessage(f.bytes, *step.child, slot.get_object()); !s.ok()) return s;
        break;
      }
      case ProtoKind::kMessages: {
        json::value& slot = out[pf->name];
        if (!slot.is_array()) slot.emplace_array();
        json::object& item = slot.get_array().emplace_back(json::object()).get_object();
        if (Status s = DecodeMessage(f.bytes, *step.child, item); !s.ok()) return s;
        break;
      }
      case ProtoKind::kStrings: {
        json::string_view s;
        if (Status st = Text(f.bytes, &s); !st.ok()) return st;
        json::value& slot = out[pf->name];
        if (!slot.is_array()) slot.emplace_array();
        slot.get_array().emplace_back(s);
        break;
      }
      case ProtoKind::kStringMap:
      case ProtoKind::kQuantityMap: {
        json::value& slot = out[pf->name];
        if (!slot.is_object()) slot.emplace_object();
        Status s = MapEntry(f.bytes, pf->kind == ProtoKind::kQuantityMap, slot.get_object());
        if (!s.ok()) return s;
        break;
      }
    }
  }
  return Status::Ok();
}

bool Whole(const ProtoField& f);
bool WholeMessage(const ProtoMessage& m) {
  if (!m.complete) return false;
  for (const ProtoField& f : m.fields) {
    if (!Whole(f)) return false;
  }
  return true;
}
bool Whole(const ProtoField& f) {
  return (f.kind != ProtoKind::kMessage && f.kind != ProtoKind::kMessages) || WholeMessage(*f.message);
}

// runtime.Unknown (apimachinery runtime/generated.proto): typeMeta (1,
// runtime.TypeMeta: apiVersion 1, kind 2), raw (2), contentEncoding (3),
// contentType (4).
std::string KindOf(std::string_view type_meta) {
  std::string kind;
  size_t pos = 0;
  Field f;
  while (pos < type_meta.size() && NextField(type_meta, &pos, &f) == Got::kOk) {
    if (f.number == 2 && f.wire == 2) kind.assign(f.bytes);
  }
  return kind;
}

// metav1.Status, the fields an error is read for.
constexpr ProtoField kStatusFields[] = {
    {2, "status", ProtoKind::kString},
    {3, "message", ProtoKind::kString},
    {4, "reason", ProtoKind::kString},
    {6, "code", ProtoKind::kInt64},
};
constexpr ProtoMessage kStatus{kStatusFields};

}  // namespace

bool ProtoCovers(const ProtoMessage& schema, const FieldMask& mask) {
  if (mask.all) return WholeMessage(schema);
  for (const auto& [name, sub] : mask.fields) {
    const ProtoField* f = nullptr;
    for (const ProtoField& candidate : schema.fields) {
      if (candidate.name == name) f = &candidate;
    }
    if (f == nullptr) return false;
    if (sub.all) {
      if (!Whole(*f)) return false;
    } else if (f->kind != ProtoKind::kMessage && f->kind != ProtoKind::kMessages) {
      return false;  // a mask into a map or a scalar: the JSON reader's to do
    } else if (!ProtoCovers(*f->message, sub)) {
      return false;
    }
  }
  return true;
}

std::optional<json::object> DecodeProtoStatus(std::string_view body) {
  if (body.substr(0, kProtoMagic.size()) != kProtoMagic) return std::nullopt;
  body.remove_prefix(kProtoMagic.size());
  std::string kind;
  std::string_view raw;
  size_t pos = 0;
  while (pos < body.size()) {
    Field f;
    if (NextField(body, &pos, &f) != Got::kOk) return std::nullopt;
    if (f.number == 1 && f.wire == 2) kind = KindOf(f.bytes);
    if (f.number == 2 && f.wire == 2) raw = f.bytes;
    if (f.number == 3 && f.wire == 2 && !f.bytes.empty()) return std::nullopt;  // compressed
  }
  if (kind != "Status") return std::nullopt;
  static const ProtoPlan plan(kStatus, nullptr);
  json::object out;
  if (!DecodeMessage(raw, plan, out).ok()) return std::nullopt;
  out["kind"] = "Status";
  return out;
}

ProtoListPlan::ProtoListPlan(const ProtoList& list, const FieldMask* mask)
    : kind_(list.kind), items_(std::make_unique<ProtoPlan>(*list.item, mask)) {}
ProtoListPlan::~ProtoListPlan() = default;

// Borrowed items' memory: one block, allocated from without a free per
// value, and released whole after each item. An item larger than the block
// (rare: labels and annotations are most of an object's size, and few are
// kept) takes more blocks from the heap, released with it.
struct ProtoListReader::Scratch {
  static constexpr size_t kBlock = 64 << 10;
  std::unique_ptr<unsigned char[]> block = std::make_unique<unsigned char[]>(kBlock);
  json::monotonic_resource arena{block.get(), kBlock};
};

ProtoListReader::ProtoListReader(const ProtoListPlan& plan, std::function<Status(json::object&)> each, bool borrowed)
    : plan_(plan), each_(std::move(each)), scratch_(borrowed ? std::make_unique<Scratch>() : nullptr) {}

ProtoListReader::~ProtoListReader() = default;

Status ProtoListReader::Feed(std::string_view bytes) {
  if (!failure_.ok()) return failure_;
  auto fail = [&] {
    if (failure_.ok()) failure_ = Malformed();
    pending_.clear();
    return failure_;
  };
  size_t used = 0;
  // A unit begun in an earlier chunk is completed first, with only the
  // bytes it still lacks copied when its header said how many (else a
  // header's worth at most: a tag and a length take 15 bytes).
  while (!pending_.empty() && !bytes.empty()) {
    const size_t lacking = unit_size_ > pending_.size() ? unit_size_ - pending_.size() : 16;
    const size_t take = std::min(lacking, bytes.size());
    pending_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (Consume(pending_, &used) == Step::kBad) return fail();
    pending_.erase(0, used);
  }
  if (!pending_.empty()) return Status::Ok();
  // The rest is read where it lies; what is left of it waits for the next.
  if (Consume(bytes, &used) == Step::kBad) return fail();
  pending_.assign(bytes.substr(used));
  return Status::Ok();
}

Status ProtoListReader::Finish() {
  if (!failure_.ok()) return failure_;
  if (!magic_ || in_raw_ || !raw_seen_ || !pending_.empty()) {
    return Status(Kind::kServer, "the server's protobuf body ended early");
  }
  return Status::Ok();
}

// Consumes whole units (the magic, an envelope field, the raw list's
// header, one field of the list) while `data` holds them; *used is what
// they took.
ProtoListReader::Step ProtoListReader::Consume(std::string_view data, size_t* used) {
  size_t pos = 0;
  for (;;) {
    *used = pos;
    unit_size_ = 0;
    if (!magic_) {
      if (data.size() - pos < kProtoMagic.size()) {
        return data.substr(pos) == kProtoMagic.substr(0, data.size() - pos) ? Step::kMore : Step::kBad;
      }
      if (data.substr(pos, kProtoMagic.size()) != kProtoMagic) return Step::kBad;
      pos += kProtoMagic.size();
      magic_ = true;
      continue;
    }
    if (in_raw_ && raw_left_ == 0) {
      in_raw_ = false;
      continue;
    }
    if (pos == data.size()) return Step::kMore;
    size_t p = pos;
    Step s = in_raw_ ? InRaw(data, &p) : Envelope(data, &p);
    if (s != Step::kDone) return s;
    pos = p;
  }
}

// One field of the runtime.Unknown; its raw (2) is entered, not held.
ProtoListReader::Step ProtoListReader::Envelope(std::string_view data, size_t* pos) {
  const size_t start = *pos;
  Field f;
  Got g = Header(data, pos, &f);
  if (g != Got::kOk) return g == Got::kMore ? Step::kMore : Step::kBad;
  if (f.number == 2 && f.wire == 2) {
    // The kind comes first (the API server writes typeMeta before raw):
    // items are never read by a schema their list was not checked against.
    if (raw_seen_ || !kind_checked_) return Step::kBad;
    raw_seen_ = in_raw_ = true;
    raw_left_ = f.value;
    return Step::kDone;
  }
  if (f.wire == 2 && f.value > kMaxUnit) {
    failure_ = TooLarge();
    return Step::kBad;
  }
  g = Payload(data, pos, &f);
  if (g == Got::kMore) unit_size_ = (*pos - start) + f.value;
  if (g != Got::kOk) return g == Got::kMore ? Step::kMore : Step::kBad;
  if (f.number == 1 && f.wire == 2) {
    std::string kind = KindOf(f.bytes);
    if (kind != plan_.kind()) {
      failure_ = Status(Kind::kServer, "the server sent a " + Printable(kind) + " where a " + std::string(plan_.kind()) +
                                           " was asked for");
      return Step::kBad;
    }
    kind_checked_ = true;
  }
  if (f.number == 3 && f.wire == 2 && !f.bytes.empty()) {
    failure_ = Status(Kind::kServer, "the server sent a protobuf list encoded as " + Printable(f.bytes) +
                                         ", which kubectl-lm does not read");
    return Step::kBad;
  }
  return Step::kDone;
}

// One field of the list (metav1.ListMeta's metadata 1, items 2), whole.
ProtoListReader::Step ProtoListReader::InRaw(std::string_view data, size_t* pos) {
  const size_t start = *pos;
  Field f;
  Got g = Header(data, pos, &f);
  if (g == Got::kBad) return Step::kBad;
  if (g == Got::kMore) return data.size() - start >= raw_left_ ? Step::kBad : Step::kMore;
  if ((*pos - start) + (f.wire == 0 ? 0 : f.value) > raw_left_) return Step::kBad;
  if (f.wire == 2 && f.value > kMaxUnit) {
    failure_ = TooLarge();
    return Step::kBad;
  }
  if (Payload(data, pos, &f) == Got::kMore) {
    unit_size_ = (*pos - start) + f.value;
    return Step::kMore;
  }
  raw_left_ -= *pos - start;
  if (f.wire != 2) return Step::kDone;
  if (f.number == 1) {
    // ListMeta: resourceVersion (2), continue (3).
    size_t m = 0;
    Field mf;
    while (m < f.bytes.size()) {
      if (NextField(f.bytes, &m, &mf) != Got::kOk) return Step::kBad;
      if (mf.wire != 2) continue;
      if (mf.number == 2) resource_version_.assign(mf.bytes);
      if (mf.number == 3) continue_.assign(mf.bytes);
    }
  } else if (f.number == 2) {
    Status s;
    {
      json::object item(scratch_ ? json::storage_ptr(&scratch_->arena) : json::storage_ptr());
      s = DecodeMessage(f.bytes, plan_.items(), item);
      if (s.ok()) s = each_(item);
    }
    if (scratch_) scratch_->arena.release();
    if (!s.ok()) {
      failure_ = std::move(s);
      return Step::kBad;
    }
  }
  return Step::kDone;
}

}  // namespace kube
