// "Did you mean": the nearest of some names to what was typed.
#pragma once

#include <string>
#include <vector>

namespace lm {

// The name closest to `typed` by edit distance (a name that `typed` begins
// counts as one edit away), or "" when none is within `max_distance`.
std::string Nearest(const std::string& typed, const std::vector<std::string>& names, size_t max_distance);

}  // namespace lm
