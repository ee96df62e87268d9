// kube::Transport: one HTTPS connection to one API server, the seam between
// the client and the network. The Beast implementation is the only code in
// the project that sees Boost.Asio, Beast or OpenSSL.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kube/status.h"

namespace kube {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // GET, POST, PATCH, PUT, DELETE
  std::string target;  // path and query, e.g. /api/v1/nodes?limit=500
  Headers headers;
  std::string body;
  // While a 2xx body goes to a ChunkSink: how many more bytes of it the
  // sink's reader knows must still come (a protobuf list says its length
  // first), 0 when it cannot tell. The transport may then wait for that
  // much to arrive instead of waking for every packet.
  std::function<uint64_t()> body_ahead;
};

struct HttpResponse {
  int status = 0;
  std::string reason;
  Headers headers;
  std::string body;  // empty when a ChunkSink took the body
  // The first header of that name (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

// Receives the body as it arrives; returns false to stop reading (the
// connection is then closed, since it is left mid-body).
using ChunkSink = std::function<bool(std::string_view chunk)>;

// A 2xx body held whole (no ChunkSink) may be this large; a larger one is
// an error. A page of 500 pods is a few MiB.
inline constexpr size_t kMaxBufferedBody = 64u << 20;
// Of any other answer's body (a Status, or an HTML page from a proxy),
// this much is kept and the rest is not read: it only feeds one message.
inline constexpr size_t kMaxErrorBody = 64u << 10;

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request and reads the response. The body of a 2xx answer goes
  // to `sink` when one is given (of any size: nothing is buffered whole);
  // any other body, a small Status, goes into HttpResponse::body. Reuses the kept-alive connection and reconnects once
  // when the server had closed it. Errors are kConnection or kTls, worded
  // for a person.
  virtual Result<HttpResponse> RoundTrip(const HttpRequest& request, const ChunkSink* sink) = 0;

  // Opens the pod port-forward that `upgrade` asks for (GET
  // .../pods/NAME/portforward?ports=PORT with its credentials) as a
  // WebSocket of kube/port_forward.h's protocol, on a connection of its
  // own, sends `request` to the pod's `port` as HTTP/1.1, and reads the
  // pod's answer (a 2xx body to `sink` when one is given), then closes.
  // The API server's refusal of the upgrade comes back in `upgrade`, with
  // `answer` empty. The default refuses: a transport without WebSockets.
  struct Forwarded {
    HttpResponse upgrade;  // 101, or the API server's refusal with its body
    HttpResponse answer;   // the pod's, when upgrade.status is 101
  };
  virtual Result<Forwarded> Forward(const HttpRequest& upgrade, uint16_t port, const HttpRequest& request,
                                    const ChunkSink* sink);
};

struct TransportOptions {
  std::string server;            // https://host[:port][/prefix]
  std::string tls_server_name;   // SNI and verification name; "" = the host
  bool insecure_skip_tls_verify = false;
  std::string ca_pem;            // trust only these; "" = the system roots (kube/system_roots.h)
  std::string ssl_cert_file, ssl_cert_dir;  // $SSL_CERT_FILE, $SSL_CERT_DIR
  std::string client_cert_pem, client_key_pem;
  std::string proxy_url;         // http://host:port; "" = $HTTPS_PROXY unless $NO_PROXY
  std::string https_proxy_env, no_proxy_env;
  std::chrono::milliseconds timeout{0};  // per request; 0 = none
  std::string user_agent;
};

std::unique_ptr<Transport> MakeBeastTransport(const TransportOptions& options);

// The proxy to use for `host`, following Go's httpproxy rules: none for
// localhost and loopback addresses, none when NO_PROXY matches ("*", a host,
// a domain suffix with or without a leading dot, host:port).
// Returns "" for a direct connection.
std::string ProxyFor(const std::string& host, const std::string& port, const std::string& proxy_url,
                     const std::string& https_proxy_env, const std::string& no_proxy_env);

}  // namespace kube
