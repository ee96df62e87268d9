// How sizes read in kubectl-lm's output: one decimal, one unit ("11.4 GiB",
// "7.1Gi", "3.8B"), everywhere a size is shown.
#pragma once

#include <cstdio>
#include <string>

namespace gpu {

inline std::string OneDecimal(double value, const char* unit) {
  char b[64];
  std::snprintf(b, sizeof b, "%.1f%s", value, unit);
  return b;
}

}  // namespace gpu
