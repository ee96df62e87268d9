// Kubernetes name rules.
#pragma once

#include <string>

namespace kube {

// True when `s` is a DNS-1123 label: 1 to 63 of a-z, 0-9 and '-', starting
// and ending with a letter or digit (namespaces and Service names must be).
bool IsDnsLabel(const std::string& s);

// True when `s` is a DNS-1123 subdomain (at most 253 bytes of labels joined
// by '.'): what most objects' names, a Secret's among them, must be.
bool IsDnsSubdomain(const std::string& s);

// True when `s` may be a key of a Secret's or ConfigMap's data: 1 to 253 of
// letters, digits, '-', '_' and '.', and not "." or "..".
bool IsDataKey(const std::string& s);

}  // namespace kube
