// Text from outside (a flag, a server, a plugin) made safe to print on a
// terminal in one line: control characters (escape sequences included)
// and invalid bytes become \xNN.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace kube {

inline std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace kube
