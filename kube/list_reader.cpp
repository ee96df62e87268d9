#include "kube/list_reader.h"

#include <optional>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value.hpp>

#include "kube/printable.h"
#include "kube/protobuf.h"

namespace kube {
namespace json = boost::json;

FieldMask FieldMask::Of(std::initializer_list<std::string_view> paths) {
  FieldMask m;
  for (std::string_view path : paths) {
    FieldMask* at = &m;
    while (!path.empty()) {
      const size_t dot = path.find('.');
      at = &at->fields[std::string(path.substr(0, dot))];
      path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    }
    at->all = true;
  }
  return m;
}

namespace {

// basic_parser's handler. Outside the items it notes the list's own
// metadata; inside an item it builds the masked copy in `frames_`, one
// frame per open object or array, and counts the depth of what it skips.
class Handler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  Handler(const FieldMask* mask, std::function<Status(json::object&)> each) : mask_(mask), each_(std::move(each)) {}

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }

  bool on_object_begin(boost::system::error_code& ec) { return Open(true, ec); }
  bool on_object_end(std::size_t, boost::system::error_code& ec) { return Close(ec); }
  bool on_array_begin(boost::system::error_code& ec) { return Open(false, ec); }
  bool on_array_end(std::size_t, boost::system::error_code& ec) { return Close(ec); }

  bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, boost::system::error_code&) {
    if (key_.empty()) {
      current_key_.assign(s.data(), s.size());  // most keys come whole
    } else {
      key_.append(s.data(), s.size());
      current_key_.swap(key_);
      key_.clear();
    }
    if (depth_ == 1) root_key_ = current_key_;
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, boost::system::error_code&) {
    if (Keeping() || (depth_ == 2 && in_metadata_)) string_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, boost::system::error_code& ec) {
    if (depth_ == 2 && in_metadata_) {
      if (current_key_ == "continue") continue_.assign(string_).append(s.data(), s.size());
      if (current_key_ == "resourceVersion") resource_version_.assign(string_).append(s.data(), s.size());
    } else if (Keeping()) {
      string_.append(s.data(), s.size());
      if (!ValidUtf8(string_)) {
        string_.clear();
        return Fail(Status(Kind::kServer, "the server sent text that is not UTF-8"), ec);
      }
      json::value v = json::string(string_);
      string_.clear();
      return Scalar(std::move(v), ec);
    }
    string_.clear();
    return true;
  }
  bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, boost::system::error_code& ec) { return Scalar(json::value(i), ec); }
  bool on_uint64(std::uint64_t u, json::string_view, boost::system::error_code& ec) { return Scalar(json::value(u), ec); }
  bool on_double(double d, json::string_view, boost::system::error_code& ec) { return Scalar(json::value(d), ec); }
  bool on_bool(bool b, boost::system::error_code& ec) { return Scalar(json::value(b), ec); }
  bool on_null(boost::system::error_code& ec) { return Scalar(json::value(nullptr), ec); }
  bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(json::string_view, boost::system::error_code&) { return true; }

  const Status& failure() const { return failure_; }
  std::string continue_, resource_version_;

 private:
  struct Frame {
    json::value value;
    const FieldMask* mask;  // null: keep everything below
    std::string key;        // its key in the parent object
  };

  // Whether a value opened now, at depth_ + 1, is inside an item and kept.
  bool Keeping() const { return skip_ == 0 && !frames_.empty(); }

  // The mask for a child of the innermost frame, and whether it is kept.
  bool ChildMask(const FieldMask** child) const {
    const Frame& top = frames_.back();
    if (top.value.is_array() || top.mask == nullptr) {
      *child = top.mask;
      return true;
    }
    auto it = top.mask->fields.find(current_key_);
    if (it == top.mask->fields.end()) return false;
    *child = it->second.all ? nullptr : &it->second;
    return true;
  }

  void Attach(json::value v, const std::string& key) {
    Frame& top = frames_.back();
    if (top.value.is_object()) {
      top.value.get_object().insert_or_assign(key, std::move(v));
    } else {
      top.value.get_array().push_back(std::move(v));
    }
  }

  // A kept value's key, unchecked by the parser (Options below).
  bool KeyIsText(boost::system::error_code& ec) {
    if (!frames_.back().value.is_object() || ValidUtf8(current_key_)) return true;
    return Fail(Status(Kind::kServer, "the server sent text that is not UTF-8"), ec);
  }

  bool Scalar(json::value v, boost::system::error_code& ec) {
    if (!Keeping()) return true;
    const FieldMask* child;
    if (!ChildMask(&child)) return true;
    if (!KeyIsText(ec)) return false;
    Attach(std::move(v), current_key_);
    return true;
  }

  bool Open(bool object, boost::system::error_code& ec) {
    ++depth_;
    if (depth_ == 1) {
      if (!object) return Fail(Status(Kind::kServer, "not a list"), ec);
      return true;
    }
    if (depth_ == 2) {
      in_items_ = root_key_ == "items" && !object;
      in_metadata_ = root_key_ == "metadata" && object;
      return true;
    }
    if (skip_ > 0) {
      ++skip_;
      return true;
    }
    if (frames_.empty()) {
      // An item, when it is an object in "items".
      if (depth_ == 3 && in_items_ && object) {
        frames_.push_back({json::value(json::object()), mask_, ""});
      } else {
        skip_ = 1;
      }
      return true;
    }
    const FieldMask* child;
    if (!ChildMask(&child)) {
      skip_ = 1;
      return true;
    }
    if (!KeyIsText(ec)) return false;
    frames_.push_back({object ? json::value(json::object()) : json::value(json::array()), child, current_key_});
    return true;
  }

  bool Close(boost::system::error_code& ec) {
    --depth_;
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    if (frames_.empty()) {
      if (depth_ == 1) in_items_ = in_metadata_ = false;
      return true;
    }
    Frame done = std::move(frames_.back());
    frames_.pop_back();
    if (!frames_.empty()) {
      Attach(std::move(done.value), done.key);
      return true;
    }
    Status s = each_(done.value.get_object());
    if (!s.ok()) return Fail(std::move(s), ec);
    return true;
  }

  bool Fail(Status s, boost::system::error_code& ec) {
    failure_ = std::move(s);
    ec = json::error::syntax;  // any error stops the parser; failure_ says which
    return false;
  }

  const FieldMask* mask_;
  std::function<Status(json::object&)> each_;
  Status failure_;
  int depth_ = 0, skip_ = 0;
  bool in_items_ = false, in_metadata_ = false;
  std::string root_key_, key_, current_key_, string_;
  std::vector<Frame> frames_;
};

}  // namespace

// The parser does not check that strings are UTF-8 (most of a page is never
// kept, and checking it was a fifth of the reading); the handler checks the
// strings it keeps. A page the API server sends is UTF-8 throughout: Go's
// encoding/json writes nothing else.
json::parse_options Options() {
  json::parse_options o;
  o.allow_invalid_utf8 = true;
  return o;
}

struct ListReader::Impl {
  Impl(const FieldMask* mask, std::function<Status(json::object&)> each, const ProtoListPlan* proto, bool borrowed)
      : parser(Options(), mask, each), each(std::move(each)), proto(proto), borrowed(borrowed) {}
  json::basic_parser<Handler> parser;
  std::function<Status(json::object&)> each;
  const ProtoListPlan* proto;
  bool borrowed;
  bool started = false;
  std::optional<ProtoListReader> proto_reader;  // when the body is protobuf
};

ListReader::ListReader(const FieldMask* mask, std::function<Status(json::object& item)> each,
                       const ProtoListPlan* proto, bool borrowed)
    : impl_(std::make_unique<Impl>(mask, std::move(each), proto, borrowed)) {}
ListReader::~ListReader() = default;

Status ListReader::Feed(std::string_view bytes) {
  if (!impl_->started && !bytes.empty()) {
    impl_->started = true;
    if (impl_->proto != nullptr && bytes[0] == kProtoMagic[0]) {
      impl_->proto_reader.emplace(*impl_->proto, impl_->each, impl_->borrowed);
    }
  }
  if (impl_->proto_reader) return impl_->proto_reader->Feed(bytes);
  boost::system::error_code ec;
  impl_->parser.write_some(true, bytes.data(), bytes.size(), ec);
  if (!impl_->parser.handler().failure().ok()) return impl_->parser.handler().failure();
  if (ec) return Status(Kind::kServer, "the server sent a body that is not JSON");
  return Status::Ok();
}

Status ListReader::Finish() {
  if (impl_->proto_reader) return impl_->proto_reader->Finish();
  if (!impl_->parser.handler().failure().ok()) return impl_->parser.handler().failure();
  boost::system::error_code ec;
  impl_->parser.write_some(false, nullptr, 0, ec);
  if (!impl_->parser.handler().failure().ok()) return impl_->parser.handler().failure();
  if (ec || !impl_->parser.done()) return Status(Kind::kServer, "the server sent a body that is not JSON");
  return Status::Ok();
}

uint64_t ListReader::BytesAhead() const { return impl_->proto_reader ? impl_->proto_reader->BytesAhead() : 0; }

const std::string& ListReader::continue_token() const {
  return impl_->proto_reader ? impl_->proto_reader->continue_token() : impl_->parser.handler().continue_;
}
const std::string& ListReader::resource_version() const {
  return impl_->proto_reader ? impl_->proto_reader->resource_version() : impl_->parser.handler().resource_version_;
}

}  // namespace kube
