// RFC 3339 timestamps, as the API server writes them (metav1.Time).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace kube {

// Parses "2026-11-28T12:00:00Z", with fractions and offsets; nothing when
// `s` is not one.
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s);

}  // namespace kube
