#include "plugin/sse.h"

#include <boost/json.hpp>

namespace lm {
namespace json = boost::json;

bool SseReader::Feed(std::string_view chunk) {
  for (char c : chunk) {
    if (c == '\n') {
      Line(std::move(line_));
      line_.clear();
      continue;
    }
    line_ += c;
    if (line_.size() > kMaxSseLine) {
      too_long_ = true;
      return false;  // the connection is dropped
    }
  }
  return true;
}

void SseReader::Line(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.rfind("data:", 0) != 0) return;  // comments, event names, ids
  std::string data = line.substr(5);
  if (!data.empty() && data[0] == ' ') data.erase(0, 1);
  if (data != "[DONE]") Delta(data);  // the end marker carries no text
}

void SseReader::Delta(const std::string& data) {
  boost::system::error_code ec;
  json::value v = json::parse(data, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  const json::value* choices = o ? o->if_contains("choices") : nullptr;
  if (!choices || !choices->is_array() || choices->as_array().empty()) return;
  const json::object* first = choices->as_array()[0].if_object();
  const json::value* delta = first ? first->if_contains("delta") : nullptr;
  const json::value* content = delta && delta->is_object() ? delta->as_object().if_contains("content") : nullptr;
  if (!content || !content->is_string()) return;
  std::string piece(content->as_string());
  reply_ += piece;
  out_ << piece << std::flush;
}

}  // namespace lm
