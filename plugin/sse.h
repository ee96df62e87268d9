// The server-sent events of an OpenAI-compatible chat stream (what vLLM
// sends for "stream": true), read as they arrive.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace lm {

// One event line of the stream: a delta of a few tokens is well under a
// KiB; a server that never sends a newline must not fill our memory.
inline constexpr size_t kMaxSseLine = 1u << 20;

// Reads "data: {...}" lines and prints each delta's content to `out` as it
// comes; keeps the whole reply.
class SseReader {
 public:
  explicit SseReader(std::ostream& out) : out_(out) {}
  // Takes the next piece of the stream, of any size, cut anywhere. Returns
  // false to stop reading: a line longer than kMaxSseLine.
  bool Feed(std::string_view chunk);
  const std::string& reply() const { return reply_; }
  bool too_long() const { return too_long_; }

 private:
  void Line(std::string line);
  void Delta(const std::string& data);

  std::ostream& out_;
  std::string line_, reply_;
  bool too_long_ = false;
};

}  // namespace lm
