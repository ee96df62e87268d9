#include "plugin/suggest.h"

#include <algorithm>

namespace lm {
namespace {

size_t Distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    prev = cur;
  }
  return prev[b.size()];
}

}  // namespace

std::string Nearest(const std::string& typed, const std::vector<std::string>& names, size_t max_distance) {
  std::string best;
  size_t best_d = max_distance + 1;
  for (const auto& name : names) {
    size_t d = Distance(typed, name);
    if (!typed.empty() && name.rfind(typed, 0) == 0) d = std::min<size_t>(d, 1);
    if (d < best_d) {
      best_d = d;
      best = name;
    }
  }
  return best;
}

}  // namespace lm
