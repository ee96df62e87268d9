#include "plugin/endpoint.h"

#include "gpu/server.h"
#include "kube/base64.h"
#include "kube/json_fields.h"
#include "plugin/ownership.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

std::optional<ApiKeyRef> ApiKeyOf(const json::object& deployment) {
  const json::object* spec = kube::ObjField(kube::ObjField(kube::ObjField(&deployment, "spec"), "template"), "spec");
  const json::value* containers = spec ? spec->if_contains("containers") : nullptr;
  if (!containers || !containers->is_array()) return std::nullopt;
  for (const json::value& c : containers->as_array()) {
    const json::value* env = c.is_object() ? c.as_object().if_contains("env") : nullptr;
    if (!env || !env->is_array()) continue;
    for (const json::value& e : env->as_array()) {
      if (!e.is_object() || kube::StrField(&e.as_object(), "name") != "VLLM_API_KEY") continue;
      const json::object* ref = kube::ObjField(kube::ObjField(&e.as_object(), "valueFrom"), "secretKeyRef");
      if (!ref) continue;
      return ApiKeyRef{kube::StrField(ref, "name"), kube::StrField(ref, "key")};
    }
  }
  return std::nullopt;
}

kube::Status CheckApiKeySecret(kube::Client& client, const std::string& ns, const std::string& secret,
                               const std::string& key) {
  if (secret.empty()) return Status::Ok();
  auto s = client.Get("/api/v1/namespaces/" + ns + "/secrets/" + secret);
  if (!s.ok() && s.status().kind() == Kind::kNotFound) {
    return Status(Kind::kNotFound, "secret \"" + secret + "\" not found in namespace " + ns +
                                       " (create it: kubectl create secret generic " + secret + " --from-literal=" +
                                       key + "=KEY, or pass --api-key-from-env VAR)");
  }
  if (!s.ok() || !s->is_object()) return Status::Ok();
  const boost::json::object* data = kube::ObjField(&s->as_object(), "data");
  if (kube::StrField(data, key.c_str()).empty()) {
    return Status(Kind::kInvalidArgument, "secret \"" + secret + "\" has no key \"" + key +
                                              "\" (name the key with --api-key-secret " + secret + ":KEY)");
  }
  return Status::Ok();
}

kube::Result<ServerRoute> RouteTo(kube::Client& client, const std::string& ns, const std::string& name,
                                  const std::optional<ApiKeyRef>& ref) {
  ServerRoute route{ns, name, "", ""};
  if (!ref) return route;

  auto secret = client.Get("/api/v1/namespaces/" + ns + "/secrets/" + ref->secret);
  if (!secret.ok()) {
    if (secret.status().kind() == Kind::kForbidden) {
      return Status(Kind::kForbidden, name + "'s endpoint requires the key in secret " + ref->secret +
                                          ", which you may not read (ask for get on secrets in namespace " + ns + ")");
    }
    if (secret.status().kind() == Kind::kNotFound) {
      return Status(Kind::kNotFound, name + "'s endpoint requires the key in secret " + ref->secret +
                                         ", which is gone from namespace " + ns +
                                         " (deploy again with --api-key-secret or --api-key-from-env)");
    }
    return secret.status().WithContext("read the key of " + name);
  }
  const json::object* data = secret->is_object() ? kube::ObjField(&secret->as_object(), "data") : nullptr;
  auto key = kube::Base64Decode(kube::StrField(data, ref->key.c_str()));
  if (!key || key->empty()) {
    return Status(Kind::kNotFound, "secret " + ref->secret + " has no key \"" + ref->key + "\" for " + name +
                                       "'s endpoint (deploy again with --api-key-secret " + ref->secret + ":KEY)");
  }
  route.key = std::move(*key);

  // A Ready pod that is not going away.
  kube::ListOptions o;
  o.label_selector = own::DeploymentSelector(name);
  auto listed = client.List("/api/v1/namespaces/" + ns + "/pods", o, [&](json::object& pod) {
    const json::object* md = kube::ObjField(&pod, "metadata");
    const json::object* st = kube::ObjField(&pod, "status");
    const json::value* conditions = st ? st->if_contains("conditions") : nullptr;
    if (!route.pod.empty() || !md || md->contains("deletionTimestamp") || !conditions || !conditions->is_array()) {
      return Status::Ok();
    }
    for (const json::value& c : conditions->as_array()) {
      const json::object* co = c.if_object();
      if (co && kube::StrField(co, "type") == "Ready" && kube::StrField(co, "status") == "True") {
        route.pod = kube::StrField(md, "name");
      }
    }
    return Status::Ok();
  });
  if (!listed.ok()) return listed.status().WithContext("list the pods of " + name);
  if (route.pod.empty()) {
    return Status(Kind::kServer, name + " has no ready pod to answer (kubectl lm status " + name + " says why)");
  }
  return route;
}

kube::Result<kube::HttpResponse> AskServer(kube::Client& client, const ServerRoute& route, const std::string& method,
                                           const std::string& path, const std::string& body,
                                           const kube::ChunkSink* sink) {
  if (route.key.empty()) {
    return client.Exchange(method, kube::Client::ServiceProxyPath(route.ns, route.service, "http", path), body,
                           "application/json", sink);
  }
  kube::HttpRequest request{method, path, {{"Accept", "application/json"}, {"Authorization", "Bearer " + route.key}}, body};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  return client.PortForward(route.ns, route.pod, gpu::kServerPort, request, sink);
}

}  // namespace lm
