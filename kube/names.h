// Kubernetes name rules.
#pragma once

#include <string>

namespace kube {

// True when `s` is a DNS-1123 label: 1 to 63 of a-z, 0-9 and '-', starting
// and ending with a letter or digit (namespaces and Service names must be).
bool IsDnsLabel(const std::string& s);

}  // namespace kube
