#include "kube/quantity.h"

#include <limits>

namespace kube {
namespace {

using i128 = __int128;

Status Invalid(std::string_view text) {
  return Status(Kind::kInvalidArgument,
                "quantities must match the regular expression "
                "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': \"" + std::string(text) + "\"");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// base-10 exponent of a decimal SI suffix, or false when it is not one.
bool DecimalSuffix(std::string_view s, int* exp) {
  static constexpr std::pair<std::string_view, int> kTable[] = {
      {"", 0}, {"n", -9}, {"u", -6}, {"m", -3}, {"k", 3}, {"M", 6},
      {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}};
  for (auto [name, e] : kTable) {
    if (s == name) { *exp = e; return true; }
  }
  return false;
}

// base-2 exponent of a binary SI suffix.
bool BinarySuffix(std::string_view s, int* exp) {
  static constexpr std::pair<std::string_view, int> kTable[] = {
      {"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};
  for (auto [name, e] : kTable) {
    if (s == name) { *exp = e; return true; }
  }
  return false;
}

// "e3", "E-3", "e+6": a decimal exponent.
bool ExponentSuffix(std::string_view s, int* exp) {
  if (s.size() < 2 || (s[0] != 'e' && s[0] != 'E')) return false;
  size_t i = 1;
  bool neg = false;
  if (s[i] == '+' || s[i] == '-') { neg = s[i] == '-'; ++i; }
  if (i == s.size()) return false;
  int v = 0;
  for (; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
    if (v > 1000) return false;
  }
  *exp = neg ? -v : v;
  return true;
}

}  // namespace

Result<Quantity> Quantity::Parse(std::string_view text) {
  if (text.empty()) return Status(Kind::kInvalidArgument, "quantities must not be empty");
  size_t i = 0;
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') { negative = text[i] == '-'; ++i; }
  std::string whole, frac;
  for (; i < text.size() && IsDigit(text[i]); ++i) whole += text[i];
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && IsDigit(text[i]); ++i) frac += text[i];
  } else if (whole.empty()) {
    return Invalid(text);
  }
  std::string_view suffix = text.substr(i);

  // The value is (whole.frac) * 10^dec_exp * 2^bin_exp.
  int dec_exp = 0, bin_exp = 0;
  if (!DecimalSuffix(suffix, &dec_exp) && !BinarySuffix(suffix, &bin_exp) &&
      !ExponentSuffix(suffix, &dec_exp)) {
    return Invalid(text);
  }

  // mantissa = whole.frac as an integer, scaled by 10^-frac.size().
  std::string digits = whole + frac;
  size_t first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? "" : digits.substr(first);
  // Nano-units: mantissa * 10^(dec_exp + 9 - frac.size()) * 2^bin_exp.
  int scale10 = dec_exp + 9 - static_cast<int>(frac.size());
  if (digits.size() > 38) return Invalid(text);
  i128 m = 0;
  for (char c : digits) m = m * 10 + (c - '0');
  // Multiply by 2^bin_exp before dividing so that "0.5Mi" stays exact.
  for (int k = 0; k < bin_exp && m != 0; ++k) {
    if (m > kMaxNanos) return Status(Kind::kInvalidArgument, "quantity too large: " + std::string(text));
    m *= 2;
  }
  if (scale10 >= 0) {
    for (int k = 0; k < scale10 && m != 0; ++k) {
      if (m > kMaxNanos / 10) return Status(Kind::kInvalidArgument, "quantity too large: " + std::string(text));
      m *= 10;
    }
  } else {
    // Finer than a nano-unit: round away from zero, as apimachinery does.
    bool remainder = false;
    for (int k = 0; k < -scale10 && m != 0; ++k) {
      if (m % 10 != 0) remainder = true;
      m /= 10;
    }
    if (remainder) m += 1;
  }
  if (bin_exp > 0) {
    const i128 cap = static_cast<i128>(std::numeric_limits<int64_t>::max()) * kNano;
    if (m > cap) m = cap;
  }
  return Quantity(negative ? -m : m);
}

int64_t Quantity::Value() const {
  i128 v = nanos_ / kNano;
  if (nanos_ % kNano > 0) v += 1;  // round toward +inf, as RoundUp on a positive value
  if (nanos_ % kNano < 0) v -= 1;  // and away from zero for a negative one
  if (v > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (v < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

int64_t Quantity::MilliValue() const {
  constexpr i128 kMicroPerMilli = 1'000'000;
  i128 v = nanos_ / kMicroPerMilli;
  if (nanos_ % kMicroPerMilli > 0) v += 1;
  if (nanos_ % kMicroPerMilli < 0) v -= 1;
  if (v > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (v < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

}  // namespace kube
