// Standard base64 (RFC 4648, with padding), as kubeconfig *-data fields use.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kube {

std::string Base64Encode(std::string_view in);
// Returns nullopt on a character outside the alphabet. Whitespace is skipped,
// as Go's decoder does for the newlines some tools wrap data with.
std::optional<std::string> Base64Decode(std::string_view in);

}  // namespace kube
