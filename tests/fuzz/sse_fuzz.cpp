// The chat stream reader on any bytes, cut into pieces at any places.
#include <cstdint>
#include <sstream>
#include <string_view>

#include "plugin/sse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::ostringstream out;
  lm::SseReader reader(out);
  // The first byte chooses the piece size, as a network would.
  size_t piece = data[0] % 17 + 1;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (size_t i = 0; i < rest.size(); i += piece) {
    if (!reader.Feed(rest.substr(i, piece))) break;
  }
  if (reader.reply() != out.str()) __builtin_trap();  // what is printed is what is kept
  return 0;
}
