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

// client-go's cleanANSIEscapeCodes (tools/clientcmd/client_config.go), for
// an exec plugin's installHint: every control character but tab, newline,
// vertical tab, form feed and carriage return becomes "U+001B" and the
// like, so an escape sequence is shown, not run by the terminal. (Go keeps
// only the letters, marks, numbers, punctuation, symbols and separators of
// Unicode; the other categories that reach a terminal as controls are C0,
// DEL and C1, which are what this removes.)
inline std::string CleanControlCodes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    unsigned code = 0x110000;
    if ((c < 0x20 && (c < 0x09 || c > 0x0d)) || c == 0x7f) code = c;
    // C1 controls, U+0080..U+009F, are 0xC2 0x80..0x9F in UTF-8.
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      code = static_cast<unsigned char>(s[++i]);
    }
    if (code == 0x110000) {
      out += static_cast<char>(c);
      continue;
    }
    char b[16];
    std::snprintf(b, sizeof b, "U+%04X", code);
    out += b;
  }
  return out;
}

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF): what YAML and JSON can carry as text.
inline bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    unsigned cp = n == 1 ? c : c & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static const unsigned kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

}  // namespace kube
