// kube::Quantity: a Kubernetes resource quantity ("8", "80Gi", "500m", "1e3"),
// parsed and compared exactly as k8s.io/apimachinery/pkg/api/resource does.
//
// The value is held as a count of nano-units in a 128-bit integer, which is
// exact for every quantity the API server accepts up to about 1.7e29 units.
// Like apimachinery, a value finer than one nano-unit rounds away from zero
// to the next nano-unit ("0.9n" is 1n), and a binary-suffixed value is capped
// at 2^63-1 ("9Ei" is 9223372036854775807).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kube/status.h"

namespace kube {

// The largest magnitude a Quantity holds, in nano-units (about 8.5e28 units).
inline constexpr __int128 kMaxNanos = static_cast<__int128>(1) << 126;

class Quantity {
 public:
  Quantity() = default;
  static Quantity FromUnits(int64_t units) { return Quantity(static_cast<__int128>(units) * kNano); }

  // Parses the canonical text form. Returns kInvalidArgument for anything
  // apimachinery rejects ("1i", "1 ", "-3.01e-", "") and for values beyond
  // the range above.
  static Result<Quantity> Parse(std::string_view text);

  // <0, 0, >0 as *this is less than, equal to or greater than other.
  int Compare(const Quantity& other) const {
    return nanos_ < other.nanos_ ? -1 : nanos_ > other.nanos_ ? 1 : 0;
  }
  bool operator==(const Quantity& o) const { return nanos_ == o.nanos_; }
  bool operator<(const Quantity& o) const { return nanos_ < o.nanos_; }
  // Saturates instead of overflowing: hostile quantities add up to a bound.
  Quantity operator+(const Quantity& o) const {
    __int128 sum;
    if (__builtin_add_overflow(nanos_, o.nanos_, &sum)) sum = nanos_ > 0 ? kMaxNanos : -kMaxNanos;
    return Quantity(sum > kMaxNanos ? kMaxNanos : sum < -kMaxNanos ? -kMaxNanos : sum);
  }
  Quantity operator-(const Quantity& o) const { return Quantity(nanos_ - o.nanos_); }

  // The value rounded up to a whole unit, as Quantity.Value() does
  // (saturating at the int64 range).
  int64_t Value() const;
  // The value in milli-units, rounded up, as Quantity.MilliValue() does.
  int64_t MilliValue() const;
  bool IsZero() const { return nanos_ == 0; }
  // The exact value in nano-units.
  __int128 nanos() const { return nanos_; }
  int Sign() const { return nanos_ < 0 ? -1 : nanos_ > 0 ? 1 : 0; }

 private:
  static constexpr int64_t kNano = 1'000'000'000;
  explicit Quantity(__int128 nanos) : nanos_(nanos) {}
  __int128 nanos_ = 0;
};

}  // namespace kube
