// Text that repeats from node to node (a GPU product, an instance type, a
// taint's key): one copy of each distinct value, shared, so that a node's
// record holds a pointer where it held a string. Thousands of nodes of a
// few kinds then cost their records and little more.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace gpu {

class Interned {
 public:
  Interned();
  // The shared copy of `s`, made on first use. The copies live as long as
  // the process: as many as the distinct values seen, no more.
  Interned(std::string_view s);  // NOLINT: text converts, as std::string does
  Interned(const std::string& s) : Interned(std::string_view(s)) {}  // NOLINT
  Interned(const char* s) : Interned(std::string_view(s)) {}         // NOLINT

  const std::string& str() const { return *s_; }
  operator const std::string&() const { return *s_; }  // NOLINT
  bool empty() const { return s_->empty(); }

  friend bool operator==(const Interned& a, const Interned& b) { return a.s_ == b.s_; }
  friend bool operator==(const Interned& a, std::string_view b) { return *a.s_ == b; }
  friend bool operator==(const Interned& a, const std::string& b) { return *a.s_ == b; }
  friend bool operator==(const Interned& a, const char* b) { return *a.s_ == b; }
  friend std::string operator+(const std::string& a, const Interned& b) { return a + *b.s_; }
  friend std::string operator+(const Interned& a, const std::string& b) { return *a.s_ + b; }
  friend std::string operator+(const char* a, const Interned& b) { return a + *b.s_; }
  friend std::string operator+(const Interned& a, const char* b) { return *a.s_ + b; }
  friend std::ostream& operator<<(std::ostream& out, const Interned& s) { return out << *s.s_; }

 private:
  const std::string* s_;
};

}  // namespace gpu
