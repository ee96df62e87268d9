// Decoding the API server's metav1.Status into errors worded as kubectl
// words them ("Error from server (Forbidden): nodes \"gpu-0\" is forbidden:
// ..."), with a hint where one helps a person act.
#pragma once

#include <string>
#include <string_view>

#include "kube/status.h"

namespace kube {

// `http_status` is the response code, `body` its body (a Status object, or
// anything else a proxy may have sent), `action` what we were doing
// ("patch nodes/gpu-0"), used when the body says nothing useful.
Status DecodeApiError(int http_status, std::string_view body, const std::string& action);

}  // namespace kube
