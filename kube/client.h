// kube::Client: typed calls on one API server as one user.
//
// Each call adds credentials (token, token file, basic auth, exec plugin,
// impersonation), logs at -v, retries 429/5xx answers that carry a
// Retry-After (at most 10 times; every request here can be replayed), runs
// the exec plugin again once on a 401, and decodes failures into
// kubectl-worded Statuses that say which verb on which object failed.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include <boost/json/value.hpp>

#include "kube/exec_credential.h"
#include "kube/filesystem.h"
#include "kube/kubeconfig.h"
#include "kube/log.h"
#include "kube/status.h"
#include "kube/transport.h"

namespace kube {

using TransportFactory = std::function<std::unique_ptr<Transport>(const TransportOptions&)>;
using Sleeper = std::function<void(std::chrono::milliseconds)>;

// The I/O the client needs; defaults are the real ones.
// The environment's part of TransportOptions, read as Go's net/http and
// crypto/x509 read it: HTTPS_PROXY and NO_PROXY (an unset or empty one
// falls back to https_proxy, no_proxy), SSL_CERT_FILE, SSL_CERT_DIR. For
// the API server and for any other HTTPS endpoint the plugin calls.
void ReadTransportEnvironment(const Getenv& env, TransportOptions& options);

struct ClientDeps {
  TransportFactory transport = MakeBeastTransport;
  const FileSystem* fs = nullptr;       // token files; required
  ProcessRunner* runner = nullptr;      // exec plugins; required when exec is set
  Getenv env;                           // HTTPS_PROXY, NO_PROXY
  Environ environment;                  // what exec plugins inherit
  Clock clock = [] { return std::chrono::system_clock::now(); };  // token file, exec expiry
  Sleeper sleep;                        // Retry-After waits
  const Logger* log = nullptr;
  bool stdin_is_terminal = false;
};

struct ClientOptions {
  std::chrono::milliseconds timeout{0};  // --request-timeout; 0 = none
  std::chrono::milliseconds exec_timeout{0};  // exec plugins; 0 = their defaults (exec_credential.h)
  std::string user_agent = "kubectl-lm";
  int max_retries = 10;
};

enum class DryRun { kNone, kClient, kServer };

struct FieldMask;

struct ListOptions {
  std::string label_selector, field_selector;
  int limit = 500;  // kubectl's chunk size
  // The fields each item keeps (kube/list_reader.h); null keeps them all.
  const FieldMask* fields = nullptr;
  // `each` reads each item during its call and keeps nothing of it (moves
  // and copies of an item or of a value in it would dangle): items may then
  // be built in scratch memory that the next one reuses, with no allocation
  // of their own.
  bool items_borrowed = false;
};

class Client {
 public:
  Client(ClientConfig config, ClientOptions options, ClientDeps deps);

  const ClientConfig& config() const { return config_; }

  // GET path. `what` names the object for errors ("nodes/gpu-0").
  Result<boost::json::value> Get(const std::string& path);

  // Lists `path` page by page (limit/continue), calling `each` with every
  // item; starts over from the first page when the continue token expired
  // (410), as kubectl does. Returns the list's resourceVersion, for a watch.
  Result<std::string> List(const std::string& path, const ListOptions& options,
                           const std::function<Status(boost::json::object& item)>& each);

  // Server-side apply (application/apply-patch+yaml; the JSON form of the
  // object is valid YAML). The object needs apiVersion, kind and name.
  Result<boost::json::value> Apply(const std::string& path, const boost::json::value& object,
                                   const std::string& field_manager, bool force, DryRun dry_run);

  // JSON merge patch, as kubectl label does; null values delete.
  Result<boost::json::value> MergePatch(const std::string& path, const boost::json::value& patch,
                                        const std::string& field_manager, DryRun dry_run);

  Result<boost::json::value> Create(const std::string& collection_path, const boost::json::value& object,
                                    const std::string& field_manager, DryRun dry_run);

  // DELETE; propagation Background so that owned objects go too. With a
  // `uid`, only the object of that uid: one that replaced it under the same
  // name is refused (409 Conflict) and left alone.
  Status Delete(const std::string& path, DryRun dry_run, const std::string& uid = "");

  // Any request; `sink` streams the body (HttpRequest::body_ahead: what its
  // reader knows is still to come). Non-2xx answers are errors.
  Result<HttpResponse> Do(const std::string& method, const std::string& path, const std::string& body,
                          const std::string& content_type, const ChunkSink* sink = nullptr,
                          const char* accept = "application/json",
                          const std::function<uint64_t()>& body_ahead = nullptr);

  // The same, with a non-2xx answer returned as it came (after the same
  // re-authentication and Retry-After waits): for a server behind the
  // service proxy, whose answers are its own, not the API server's.
  Result<HttpResponse> Exchange(const std::string& method, const std::string& path, const std::string& body,
                                const std::string& content_type, const ChunkSink* sink = nullptr,
                                const char* accept = "application/json",
                                const std::function<uint64_t()>& body_ahead = nullptr);

  // Sends `request` to `port` of pod `pod` through the API server's
  // port-forward (a WebSocket; RBAC: create on pods/portforward) and returns
  // the pod's answer as it came. Unlike the proxies, whose Authorization
  // header the API server takes as its own credential and removes, the
  // request's headers reach the pod as given. The API server's refusal of
  // the forward is an error, as from Do. The request's headers and body are
  // never logged (they may carry the model server's key).
  Result<HttpResponse> PortForward(const std::string& ns, const std::string& pod, uint16_t port,
                                   const HttpRequest& request, const ChunkSink* sink = nullptr);

  // The API server's service proxy path for a service port.
  static std::string ServiceProxyPath(const std::string& ns, const std::string& service, const std::string& port,
                                      const std::string& path);

 private:
  Status AddAuth(Headers& headers, bool* used_exec);
  Result<boost::json::value> Write(const std::string& method, const std::string& target,
                                   const boost::json::value& body, const std::string& content_type);
  Transport& Conn();
  void LogRequest(const HttpRequest& req) const;
  void LogResponse(const HttpRequest& req, const HttpResponse& resp, std::chrono::milliseconds took,
                   bool streamed) const;
  void NoteWarnings(const HttpResponse& resp);

  ClientConfig config_;
  ClientOptions options_;
  ClientDeps deps_;
  std::string server_for_log_;  // the server with any password in it masked
  Logger quiet_;
  std::unique_ptr<ExecProvider> exec_;
  std::unique_ptr<Transport> transport_;
  std::string transport_cert_;  // the client certificate transport_ was built with
  std::string file_token_;
  std::chrono::system_clock::time_point file_token_read_;
  std::set<std::string> warned_;
};

// Builds a query string from pairs, escaping values and leaving out empty
// ones ("a=1&b=x%3Dy", without the "?").
std::string Query(std::initializer_list<std::pair<std::string, std::string>> params);
std::string UrlEscape(const std::string& s);

}  // namespace kube
