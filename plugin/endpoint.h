// How the plugin reaches a deployment's model server (chat, the readiness
// probe). While the endpoint is open: its Service, through the API server's
// service proxy. When deploy gave it a key (--api-key-secret,
// --api-key-from-env): a Ready pod, through a port-forward, with the key in
// "Authorization: Bearer" — the proxies cannot carry it, because the API
// server takes a request's Authorization header as its own credential and
// removes it (kubernetes/kubernetes#38775; apiserver's authentication
// filter), and vLLM reads the key only from that header.
#pragma once

#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "kube/client.h"
#include "kube/status.h"

namespace lm {

// The Secret reference behind the server's VLLM_API_KEY, as deploy
// rendered it into the pod template; nullopt for an open endpoint.
struct ApiKeyRef {
  std::string secret, key;
};
std::optional<ApiKeyRef> ApiKeyOf(const boost::json::object& deployment);

struct ServerRoute {
  std::string ns, service;  // the Service, through the service proxy
  std::string pod;          // with a key: a Ready pod, through a port-forward
  std::string key;          // the key itself: never printed or logged
};

// The route to `name`'s server in `ns` (`key` is ApiKeyOf its Deployment):
// with a key, its value from the Secret and a Ready pod of `name`. Errors
// say what the user can do: a Secret they may not read, no pod Ready.
kube::Result<ServerRoute> RouteTo(kube::Client& client, const std::string& ns, const std::string& name,
                                  const std::optional<ApiKeyRef>& key);

// Refuses a --api-key-secret Secret that does not exist or lacks the key
// (the pod would never start); one the user may not read passes.
kube::Status CheckApiKeySecret(kube::Client& client, const std::string& ns, const std::string& secret,
                               const std::string& key);

// Sends a request to the server at `path` (/v1/...) by `route`; the answer
// as it came, non-2xx too (for a 2xx, the body to `sink` when one is given).
kube::Result<kube::HttpResponse> AskServer(kube::Client& client, const ServerRoute& route, const std::string& method,
                                           const std::string& path, const std::string& body,
                                           const kube::ChunkSink* sink = nullptr);

}  // namespace lm
