// Whether a model server answers: one tiny completion through the API
// server's service proxy. A pod's readiness says only that vLLM's /health
// answers; this says that the model does.
#pragma once

#include <chrono>
#include <string>

#include "kube/client.h"
#include "plugin/endpoint.h"

namespace lm {

// The bound of one probe when --request-timeout does not give one.
inline constexpr std::chrono::seconds kProbeTimeout{10};
// What bounds each request to a model server: --request-timeout, else kProbeTimeout.
inline std::chrono::milliseconds ProbeBound(std::chrono::milliseconds request_timeout) {
  return request_timeout.count() > 0 ? request_timeout : std::chrono::milliseconds(kProbeTimeout);
}

struct ProbeResult {
  bool answered = false;
  long long milliseconds = 0;  // until the answer, when answered
  std::string reason;          // why not, in one line
};

// POST /v1/completions {"model": MODEL, "prompt": "Hi", "max_tokens": 1} to
// the server by `route`; `client` carries `bound`.
ProbeResult ProbeServer(kube::Client& client, const kube::Clock& clock, std::chrono::milliseconds bound,
                        const ServerRoute& route, const std::string& model);

}  // namespace lm
