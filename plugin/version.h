// The build's identity, fixed by CMake at configure time.
#pragma once

#include <string>

namespace lm {

// "v0.1.0"
std::string ClientVersion();
// "kubectl-lm/v0.1.0 (linux/amd64)", as client-go's DefaultKubernetesUserAgent.
std::string UserAgent();

}  // namespace lm
