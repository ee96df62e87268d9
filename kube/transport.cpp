#include "kube/transport.h"
#include "kube/system_roots.h"
#include "kube/port_forward.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <sstream>

#include <boost/asio/detail/socket_ops.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace kube {

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (boost::beast::iequals(k, name)) return v;
  }
  return {};
}

Result<Transport::Forwarded> Transport::Forward(const HttpRequest&, uint16_t, const HttpRequest&, const ChunkSink*) {
  return Status(Kind::kInternal, "this transport cannot open a port-forward");
}

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

struct Url {
  std::string scheme, host, port, prefix;
};

// scheme://host[:port][/prefix]; IPv6 hosts come in brackets.
std::optional<Url> ParseUrl(const std::string& s) {
  Url u;
  auto p = s.find("://");
  if (p == std::string::npos) return std::nullopt;
  u.scheme = s.substr(0, p);
  std::string rest = s.substr(p + 3);
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos) u.prefix = rest.substr(slash);
  while (!u.prefix.empty() && u.prefix.back() == '/') u.prefix.pop_back();
  if (auto at = hostport.rfind('@'); at != std::string::npos) hostport = hostport.substr(at + 1);
  if (!hostport.empty() && hostport[0] == '[') {
    auto close = hostport.find(']');
    if (close == std::string::npos) return std::nullopt;
    u.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size() && hostport[close + 1] == ':') u.port = hostport.substr(close + 2);
  } else {
    auto colon = hostport.rfind(':');
    u.host = hostport.substr(0, colon);
    if (colon != std::string::npos) u.port = hostport.substr(colon + 1);
  }
  if (u.port.empty()) u.port = u.scheme == "http" ? "80" : "443";
  if (u.host.empty()) return std::nullopt;
  return u;
}

bool IsIp(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

std::string HostPort(const Url& u) {
  return (u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host) + ":" + u.port;
}

using Clock = std::chrono::steady_clock;

// The throwing read_some and write_some that Beast's SyncReadStream and
// SyncWriteStream ask for, from a stream's error_code ones.
template <class Stream>
struct ThrowingIo {
  template <class MutableBuffers>
  size_t read_some(const MutableBuffers& buffers) {
    beast::error_code ec;
    size_t n = static_cast<Stream*>(this)->read_some(buffers, ec);
    if (ec) throw beast::system_error(ec);
    return n;
  }
  template <class ConstBuffers>
  size_t write_some(const ConstBuffers& buffers) {
    beast::error_code ec;
    size_t n = static_cast<Stream*>(this)->write_some(buffers, ec);
    if (ec) throw beast::system_error(ec);
    return n;
  }
};

// The TCP connection under TLS, read and written synchronously, each wait
// bounded by the request's deadline. The transport is a blocking client of
// one connection: it needs no event loop. (It had one: every step of
// Beast's asynchronous reads went through the io_context's queue, which
// polls epoll between any two steps, ~30 epoll_wait calls per TLS record:
// 128,000 system calls to read the inventory of a 5,000-node cluster.) The
// socket is non-blocking; a read or write that finds nothing ready waits in
// poll() (select() on Windows) for what remains of the deadline, and fails
// with beast::error::timeout when it passes.
class DeadlineSocket : public ThrowingIo<DeadlineSocket> {
  using Throwing = ThrowingIo<DeadlineSocket>;

 public:
  using executor_type = tcp::socket::executor_type;
  using lowest_layer_type = DeadlineSocket;

  explicit DeadlineSocket(net::io_context& ioc) : socket_(ioc) {}
  executor_type get_executor() { return socket_.get_executor(); }
  lowest_layer_type& lowest_layer() { return *this; }
  tcp::socket& socket() { return socket_; }
  Clock::time_point deadline = Clock::time_point::max();

  // Connects to the first of `endpoints` that answers.
  void connect(const tcp::resolver::results_type& endpoints, beast::error_code& ec) {
    ec = net::error::host_not_found;
    for (const auto& entry : endpoints) {
      socket_.close(ec);
      socket_.open(entry.endpoint().protocol(), ec);
      if (!ec) socket_.non_blocking(true, ec);
      if (ec) continue;
      namespace ops = net::detail::socket_ops;
      ops::connect(socket_.native_handle(), entry.endpoint().data(), entry.endpoint().size(), ec);
      if (ec == net::error::in_progress || ec == net::error::would_block) {
        const int result = Poll(Ready::kConnected, -1, ec);
        if (result == 0) {
          ec = beast::error::timeout;
          return;
        }
        if (result > 0) {
          int error = 0;
          size_t len = sizeof error;
          if (ops::getsockopt(socket_.native_handle(), 0, SOL_SOCKET, SO_ERROR, &error, &len, ec) == 0) {
            ec = beast::error_code(error, net::error::get_system_category());
          }
        }
      }
      if (!ec) return;
    }
  }

  // One non-blocking receive: would_block when nothing has come.
  template <class MutableBuffers>
  size_t Receive(const MutableBuffers& buffers, beast::error_code& ec) {
    size_t n = socket_.read_some(buffers, ec);
    expect_ -= std::min<uint64_t>(expect_, n);
    return n;
  }

  template <class MutableBuffers>
  size_t read_some(const MutableBuffers& buffers, beast::error_code& ec) {
    for (;;) {
      size_t n = Receive(buffers, ec);
      if (ec != net::error::would_block && ec != net::error::try_again) return n;
      if (!Wait(false, ec)) return 0;
    }
  }

  // At least `bytes` more will arrive on the connection (its reader knows
  // as much: HttpRequest::body_ahead). Until they have, a wait for data
  // sleeps until up to 256 KiB of them are there (SO_RCVLOWAT), not until
  // the next packet: the API server writes a list in 4 KiB pieces, and
  // waking for each cost more CPU than everything done with the bytes. A
  // promise that does not hold costs one 20 ms wait, then every packet
  // wakes the reader again. Where the system has no SO_RCVLOWAT for poll
  // (Windows), every packet does.
  void Expect(uint64_t bytes) { expect_ = bytes; }
  template <class ConstBuffers>
  size_t write_some(const ConstBuffers& buffers, beast::error_code& ec) {
    for (;;) {
      size_t n = socket_.write_some(buffers, ec);
      if (ec != net::error::would_block && ec != net::error::try_again) return n;
      if (!Wait(true, ec)) return 0;
    }
  }
  using Throwing::read_some;
  using Throwing::write_some;

  // Until the socket is ready or the deadline passes (false, with `ec`). A
  // signal's interruption is waited through: the first Ctrl-C lets the
  // current request finish (plugin/interrupts.cpp).
  bool Wait(bool write, beast::error_code& ec) {
    if (!write && expect_ >= kBatch && LowWater(static_cast<int>(std::min<uint64_t>(expect_, kMaxBatch)))) {
      const int result = Poll(Ready::kRead, kBatchWaitMs, ec);
      if (result > 0) return true;
      if (result < 0) return false;
      expect_ = 0;  // not there in time: no longer counted on
    }
    if (!write) LowWater(1);
    const int result = Poll(write ? Ready::kWrite : Ready::kRead, -1, ec);
    if (result == 0) ec = beast::error::timeout;
    return result > 0;
  }

 private:
  static constexpr uint64_t kBatch = 16 << 10, kMaxBatch = 256 << 10;
  static constexpr int kBatchWaitMs = 20;

  // Sets SO_RCVLOWAT when it changes; false where the system refuses it.
  bool LowWater(int bytes) {
    if (bytes == low_water_) return true;
    if (!low_water_supported_) return bytes == 1;
    beast::error_code ec;
    socket_.set_option(net::socket_base::receive_low_watermark(bytes), ec);
    if (ec) {
      low_water_supported_ = false;
      return bytes == 1;
    }
    low_water_ = bytes;
    return true;
  }

  enum class Ready { kRead, kWrite, kConnected };
  // Waits until the socket is ready for `what`, at most until the deadline
  // and `cap_ms` (-1: no cap), through signals: > 0 ready, 0 timed out,
  // < 0 failed (`ec`).
  int Poll(Ready what, int cap_ms, beast::error_code& ec) {
    namespace ops = net::detail::socket_ops;
    const auto fd = socket_.native_handle();
    for (;;) {
      int ms = Remaining();
      if (cap_ms >= 0) ms = ms < 0 ? cap_ms : std::min(ms, cap_ms);
      const int result = what == Ready::kRead    ? ops::poll_read(fd, 0, ms, ec)
                         : what == Ready::kWrite ? ops::poll_write(fd, 0, ms, ec)
                                                 : ops::poll_connect(fd, ms, ec);
      if (result >= 0 || ec != net::error::interrupted) return result;
    }
  }

  // Milliseconds to the deadline, rounded up; -1: none.
  int Remaining() const {
    if (deadline == Clock::time_point::max()) return -1;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, std::numeric_limits<int>::max()));
  }

  tcp::socket socket_;
  uint64_t expect_ = 0;
  int low_water_ = 1;
  bool low_water_supported_ = true;
};

// OpenSSL's view of the socket: a BIO whose reads and writes are the
// socket's own, non-blocking (asio's send never raises SIGPIPE, which
// OpenSSL's socket BIO would on a connection the server closed). A socket
// error is kept for the caller; "nothing ready" is a retry.
struct SocketBio {
  DeadlineSocket* socket;
  beast::error_code error;

  static const BIO_METHOD* Method() {
    static BIO_METHOD* const method = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "kubectl-lm socket");
      BIO_meth_set_write(m, [](BIO* b, const char* data, int len) { return Io(b, const_cast<char*>(data), len, true); });
      BIO_meth_set_read(m, [](BIO* b, char* data, int len) { return Io(b, data, len, false); });
      BIO_meth_set_ctrl(m, [](BIO*, int cmd, long, void*) -> long { return cmd == BIO_CTRL_FLUSH ? 1 : 0; });
      return m;
    }();
    return method;
  }
  static int Io(BIO* b, char* data, int len, bool write) {
    auto* self = static_cast<SocketBio*>(BIO_get_data(b));
    BIO_clear_retry_flags(b);
    beast::error_code ec;
    const size_t n = write ? self->socket->socket().write_some(net::buffer(data, len), ec)
                           : self->socket->Receive(net::buffer(data, len), ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
      write ? BIO_set_retry_write(b) : BIO_set_retry_read(b);
      return -1;
    }
    if (ec == net::error::eof) return 0;
    if (ec) {
      self->error = ec;
      return -1;
    }
    return static_cast<int>(n);
  }
};

// TLS on a DeadlineSocket: OpenSSL reads the socket ahead into a 64 KiB
// buffer (one recv takes what has arrived, several records at once) and
// hands out as many whole records as a read has room for. (asio's
// ssl::stream passed every byte through a BIO pair, one record per read,
// clearing OpenSSL's error queue before each call and freeing its buffers
// after it: a quarter of the CPU the inventory's 64 MB took.) Errors are
// asio's: ssl::error::stream_truncated for an end without close_notify, the
// SSL category for TLS's, the socket's own for the socket's.
class TlsStream : public ThrowingIo<TlsStream> {
  using Throwing = ThrowingIo<TlsStream>;

 public:
  using executor_type = DeadlineSocket::executor_type;
  using next_layer_type = DeadlineSocket;
  using lowest_layer_type = DeadlineSocket;

  TlsStream(net::io_context& ioc, SSL_CTX* ctx) : socket_(ioc), ssl_(SSL_new(ctx)), bio_{&socket_, {}} {}
  ~TlsStream() { SSL_free(ssl_); }
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;
  executor_type get_executor() { return socket_.get_executor(); }
  DeadlineSocket& next_layer() { return socket_; }
  DeadlineSocket& lowest_layer() { return socket_; }
  SSL* native_handle() { return ssl_; }

  void handshake(beast::error_code& ec) {
    ERR_clear_error();  // SSL_get_error reads the queue: what earlier calls left must go
    BIO* bio = ssl_ ? BIO_new(SocketBio::Method()) : nullptr;
    if (bio == nullptr) {
      ec = Failed();
      return;
    }
    BIO_set_data(bio, &bio_);
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl_, bio, bio);  // the SSL owns it
    while (!Retry(SSL_connect(ssl_), ec) && !ec) {
    }
  }

  template <class MutableBuffers>
  size_t read_some(const MutableBuffers& buffers, beast::error_code& ec) {
    ec = {};
    auto b = beast::buffers_front(buffers);
    char* p = static_cast<char*>(b.data());
    size_t got = 0;
    if (b.size() == 0) return 0;
    for (;;) {
      size_t n = 0;
      if (SSL_read_ex(ssl_, p + got, b.size() - got, &n) == 1) {
        got += n;
        // More whole records already read ahead: no system call for them.
        if (got < b.size() && SSL_has_pending(ssl_)) continue;
        return got;
      }
      // What was read goes first; an error comes again with the next read.
      if (got > 0) return got;
      Retry(0, ec);
      if (ec) return 0;
    }
  }
  template <class ConstBuffers>
  size_t write_some(const ConstBuffers& buffers, beast::error_code& ec) {
    ec = {};
    // A request's header and body as one record where they fit in one.
    std::string flat;
    net::const_buffer b = beast::buffers_front(buffers);
    if (beast::buffer_bytes(buffers) > b.size() && b.size() < kRecord) {
      flat.resize(std::min(beast::buffer_bytes(buffers), kRecord));
      net::buffer_copy(net::buffer(flat), buffers);
      b = net::buffer(flat);
    }
    if (b.size() == 0) return 0;
    for (;;) {
      size_t n = 0;
      if (SSL_write_ex(ssl_, b.data(), b.size(), &n) == 1) return n;
      Retry(0, ec);
      if (ec) return 0;
    }
  }
  using Throwing::read_some;
  using Throwing::write_some;

 private:
  static constexpr size_t kRecord = 16 << 10;

  // After a call that returned `result`: true when it is done (SSL_connect
  // succeeded); false to call again once the socket is ready, or with `ec`
  // set when it failed.
  bool Retry(int result, beast::error_code& ec) {
    if (result == 1) return true;
    switch (SSL_get_error(ssl_, result)) {
      case SSL_ERROR_WANT_READ:
        socket_.Wait(false, ec);
        return false;
      case SSL_ERROR_WANT_WRITE:
        socket_.Wait(true, ec);
        return false;
      case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify
        ec = net::error::eof;
        return false;
      case SSL_ERROR_SYSCALL:  // the socket's
        ec = bio_.error ? bio_.error : Failed();
        ERR_clear_error();
        return false;
      default:
        ec = Failed();
        return false;
    }
  }
  // The error of a failed call, as asio reports it; the queue left empty.
  static beast::error_code Failed() {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0 || ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return ssl::error::stream_truncated;
    return beast::error_code(static_cast<int>(e), net::error::get_ssl_category());
  }

  DeadlineSocket socket_;
  SSL* ssl_;
  SocketBio bio_;
};

// Ends the connection under a port-forward's WebSocket when the stream
// closes or fails (found by Beast through ADL): closed outright, as Close()
// below does with every connection.
void teardown(beast::role_type, TlsStream& stream, beast::error_code& ec) { stream.next_layer().socket().close(ec); }

class BeastTransport : public Transport {
 public:
  explicit BeastTransport(const TransportOptions& o) : options_(o), ctx_(ssl::context::tls_client) {}

  Status Init() {
    auto url = ParseUrl(options_.server);
    if (!url) return Status(Kind::kInvalidConfig, "invalid server URL \"" + options_.server + "\"");
    if (url->scheme != "https") {
      return Status(Kind::kInvalidConfig, "server " + options_.server + ": only https:// servers are supported");
    }
    url_ = *url;
    std::string proxy = ProxyFor(url_.host, url_.port, options_.proxy_url, options_.https_proxy_env,
                                 options_.no_proxy_env);
    if (!proxy.empty()) {
      auto p = ParseUrl(proxy.find("://") == std::string::npos ? "http://" + proxy : proxy);
      if (!p || p->scheme != "http") {
        return Status(Kind::kInvalidConfig, "proxy \"" + proxy + "\": only http:// proxies (HTTP CONNECT) are supported");
      }
      proxy_ = *p;
    }

    SSL_CTX* raw = ctx_.native_handle();
    SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION);
    // TlsStream reads ahead: whatever has arrived, up to 64 KiB, in one
    // recv (the API server writes a list in records of about 4 KiB).
    SSL_CTX_set_read_ahead(raw, 1);
    SSL_CTX_set_default_read_buffer_len(raw, 64 << 10);
    beast::error_code ec;
    if (options_.insecure_skip_tls_verify) {
      ctx_.set_verify_mode(ssl::verify_none);
    } else {
      ctx_.set_verify_mode(ssl::verify_peer);
      if (!options_.ca_pem.empty()) {
        // Trust the kubeconfig's CA only: the system roots are never loaded.
        ctx_.add_certificate_authority(net::buffer(options_.ca_pem), ec);
        if (ec) return Status(Kind::kInvalidConfig, "certificate-authority: not a valid PEM certificate (" + ec.message() + ")");
      } else {
        LoadSystemRoots(raw, options_.ssl_cert_file, options_.ssl_cert_dir);
      }
    }
    if (!options_.client_cert_pem.empty()) {
      ctx_.use_certificate_chain(net::buffer(options_.client_cert_pem), ec);
      if (ec) return Status(Kind::kInvalidConfig, "client-certificate: not a valid PEM certificate (" + ec.message() + ")");
      ctx_.use_private_key(net::buffer(options_.client_key_pem), ssl::context::pem, ec);
      if (ec) return Status(Kind::kInvalidConfig, "client-key: not a valid PEM key for the certificate (" + ec.message() + ")");
    }
    return Status::Ok();
  }

  Result<HttpResponse> RoundTrip(const HttpRequest& request, const ChunkSink* sink) override {
    deadline_ = options_.timeout.count() > 0 ? Clock::now() + options_.timeout : Clock::time_point::max();
    bool reused = stream_.has_value();
    if (!reused) {
      Status s = Connect();
      if (!s.ok()) return s;
    }
    bool response_started = false;
    auto r = Exchange(request, sink, &response_started);
    // A kept-alive connection the server has since closed fails before any
    // response byte; that request never reached the server, so resend once.
    if (!r.ok() && reused && !response_started && r.status().kind() == Kind::kConnection) {
      Close();
      Status s = Connect();
      if (!s.ok()) return s;
      r = Exchange(request, sink, &response_started);
    }
    if (!r.ok()) Close();
    return r;
  }

 private:
  // The request's deadline bounds every wait on the connection from here;
  // nothing is expected of it yet.
  void Arm() {
    beast::get_lowest_layer(*stream_).deadline = deadline_;
    beast::get_lowest_layer(*stream_).Expect(0);
  }
  // Bytes TlsStream may hold read and not yet handed on: its read-ahead
  // buffer and one record.
  static constexpr uint64_t kTlsHeld = (64 << 10) + (17 << 10);

  Status NetError(const std::string& what, beast::error_code ec) {
    std::string target = proxy_ ? "proxy " + HostPort(*proxy_) : "the server " + HostPort(url_);
    if (ec == beast::error::timeout) {
      return Status(Kind::kConnection, "Unable to connect to the server: " + what + " timed out after " +
                                           std::to_string(options_.timeout.count() / 1000.0).substr(0, 5) +
                                           "s (is " + HostPort(url_) + " reachable? raise --request-timeout)");
    }
    if (ec == net::error::connection_refused) {
      return Status(Kind::kConnection, "The connection to " + target +
                                           " was refused - did you specify the right host or port?");
    }
    return Status(Kind::kConnection, "Unable to connect to the server: " + what + " " + HostPort(url_) + ": " +
                                         ec.message());
  }

  Status Connect() {
    stream_.emplace(ioc_, ctx_.native_handle());
    Arm();
    const Url& dial = proxy_ ? *proxy_ : url_;
    tcp::resolver resolver(ioc_);
    beast::error_code ec;
    auto results = resolver.resolve(dial.host, dial.port, ec);
    if (ec) {
      Close();
      return Status(Kind::kConnection, "Unable to connect to the server: dial tcp: lookup " + dial.host + ": " +
                                           ec.message() + " (check the server address in your kubeconfig)");
    }
    beast::get_lowest_layer(*stream_).connect(results, ec);
    if (ec) { Status s = NetError("dial tcp", ec); Close(); return s; }
    // As Go's net/http: a request's last small write must not wait for the
    // ACK of the one before (Nagle), which a peer delays by up to 40 ms.
    beast::error_code nodelay_ec;
    beast::get_lowest_layer(*stream_).socket().set_option(tcp::no_delay(true), nodelay_ec);

    if (proxy_) {
      Status s = ProxyConnect();
      if (!s.ok()) { Close(); return s; }
    }

    SSL* ssl = stream_->native_handle();
    const std::string& name = options_.tls_server_name.empty() ? url_.host : options_.tls_server_name;
    // SNI carries a host name, never an IP literal (RFC 6066 section 3).
    if (!IsIp(name)) SSL_set_tlsext_host_name(ssl, name.c_str());
    if (!options_.insecure_skip_tls_verify) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      if (IsIp(name)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());  // must match an IP SAN
      } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
      }
    }
    stream_->handshake(ec);
    if (ec) {
      long verify = SSL_get_verify_result(ssl);
      Status s;
      if (verify != X509_V_OK) {
        std::string why = X509_verify_cert_error_string(verify);
        std::string hint = verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH
                               ? " (the certificate is not valid for \"" + name +
                                     "\"; check the server address or set tls-server-name)"
                               : " (check certificate-authority in your kubeconfig)";
        s = Status(Kind::kTls, "Unable to connect to the server: tls: failed to verify certificate of " +
                                   HostPort(url_) + ": " + why + hint);
      } else if (ec == beast::error::timeout || ec.category() != net::error::get_ssl_category()) {
        s = NetError("TLS handshake with", ec);
      } else {
        s = Status(Kind::kTls, "Unable to connect to the server: TLS handshake with " + HostPort(url_) +
                                   " failed: " + ec.message() +
                                   " (the server may require a client certificate or a newer TLS version)");
      }
      Close();
      return s;
    }
    return Status::Ok();
  }

  Status ProxyConnect() {
    auto& tcp_layer = beast::get_lowest_layer(*stream_);
    http::request<http::empty_body> req{http::verb::connect, HostPort(url_), 11};
    req.set(http::field::host, HostPort(url_));
    beast::error_code ec;
    http::write(tcp_layer, req, ec);
    if (ec) return NetError("CONNECT through", ec);
    http::response_parser<http::empty_body> p;
    p.skip(true);  // a 200 answer to CONNECT has no body: the tunnel follows
    beast::flat_buffer buf;
    http::read_header(tcp_layer, buf, p, ec);
    if (ec) return NetError("CONNECT through", ec);
    if (p.get().result_int() != 200) {
      return Status(Kind::kConnection, "Unable to connect to the server: proxy " + HostPort(*proxy_) +
                                           " refused CONNECT: " + std::to_string(p.get().result_int()) + " " +
                                           std::string(p.get().reason()));
    }
    return Status::Ok();
  }

  Result<HttpResponse> Exchange(const HttpRequest& in, const ChunkSink* sink, bool* response_started) {
    http::request<http::string_body> req;
    req.method_string(in.method);
    req.target(url_.prefix + in.target);
    req.version(11);
    req.set(http::field::host, HostPort(url_));
    if (!options_.user_agent.empty()) req.set(http::field::user_agent, options_.user_agent);
    // insert, not set: a header may repeat (Impersonate-Group per group).
    for (const auto& [k, v] : in.headers) req.insert(k, v);
    req.keep_alive(true);
    req.body() = in.body;
    req.prepare_payload();

    Arm();
    beast::error_code ec;
    http::write(*stream_, req, ec);
    if (ec) return NetError("write to", ec);

    http::response_parser<http::buffer_body> parser;
    auto read = [&](bool header_only) {
      beast::error_code e;
      if (header_only) {
        http::read_header(*stream_, buffer_, parser, e);
      } else {
        // What the reader still needs, less what may already be read and
        // not yet handed on (Beast's buffer, OpenSSL's read-ahead and a
        // record): that much at least is still to come from the socket.
        const uint64_t ahead = in.body_ahead ? in.body_ahead() : 0;
        const uint64_t held = buffer_.size() + kTlsHeld;
        beast::get_lowest_layer(*stream_).Expect(ahead > held ? ahead - held : 0);
        http::read(*stream_, buffer_, parser, e);
      }
      return e;
    };
    bool whole = false;
    auto out = ReadAnswer(parser, read, in.method, sink, response_started, &whole);
    if (!whole || (out.ok() && !parser.get().keep_alive())) Close();
    return out;
  }

  // Reads the answer to a `method` request: its header, then its body in
  // chunks (to `sink` when one is given and the answer is 2xx), with
  // `read(header_only)` reading into `parser`. `*whole` says whether the
  // answer was read to its end.
  template <class Read>
  Result<HttpResponse> ReadAnswer(http::response_parser<http::buffer_body>& parser, Read read, const std::string& method,
                                  const ChunkSink* sink, bool* response_started, bool* whole) {
    *whole = false;
    parser.body_limit(boost::none);  // bodies of any size: they are streamed, not held
    // The answer to HEAD announces a body (Content-Length) that never comes:
    // Beast reads none only when told so before the header (parser::skip).
    if (method == "HEAD") parser.skip(true);
    beast::error_code ec = read(true);
    if (ec) return NetError("read from", ec);
    *response_started = true;

    HttpResponse out;
    out.status = parser.get().result_int();
    out.reason = std::string(parser.get().reason());
    for (const auto& f : parser.get()) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));

    if (out.status < 200 || out.status >= 300) sink = nullptr;
    char chunk[64 * 1024];
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      ec = read(false);
      if (ec == http::error::need_buffer) ec = {};  // the chunk is full: hand it on and continue
      if (ec) return NetError("read from", ec);
      size_t n = sizeof chunk - parser.get().body().size;
      if (n == 0) continue;
      if (sink) {
        if (!(*sink)(std::string_view(chunk, n))) return out;  // stopped: left mid-body
        continue;
      }
      bool error_answer = out.status < 200 || out.status >= 300;
      size_t cap = error_answer ? kMaxErrorBody : kMaxBufferedBody;
      out.body.append(chunk, std::min(n, cap - out.body.size()));
      if (out.body.size() < cap) continue;
      if (error_answer) return out;  // left mid-body
      return Status(Kind::kServer, "the answer from " + url_.host + " is larger than " +
                                       std::to_string(kMaxBufferedBody >> 20) + " MiB; nothing was read from it");
    }
    *whole = true;
    return out;
  }

 public:
  Result<Forwarded> Forward(const HttpRequest& upgrade, uint16_t port, const HttpRequest& request,
                            const ChunkSink* sink) override {
    deadline_ = options_.timeout.count() > 0 ? Clock::now() + options_.timeout : Clock::time_point::max();
    // The upgraded connection becomes the tunnel and is closed after it:
    // never the kept-alive one.
    Close();
    Status s = Connect();
    if (!s.ok()) return s;
    auto r = ForwardOn(upgrade, port, request, sink);
    Close();
    return r;
  }

 private:
  // A forwarded port's data as a Beast SyncReadStream, so that Beast's HTTP
  // parser reads the pod's answer from the WebSocket's channel 0.
  class Tunnel : public ThrowingIo<Tunnel> {
   public:
    using ThrowingIo<Tunnel>::read_some;
    using Socket = websocket::stream<TlsStream&>;
    Tunnel(Socket& ws, PortForwardChannels& channels) : ws_(ws), channels_(channels) {}

    template <class Buffers>
    size_t read_some(const Buffers& buffers, beast::error_code& ec) {
      ec = {};
      while (pending_.empty()) {
        beast::flat_buffer message;
        ws_.read(message, ec);
        if (ec == websocket::error::closed) ec = net::error::eof;  // the pod's side ended
        if (ec) return 0;
        auto data = channels_.Take(beast::buffers_to_string(message.data()));
        if (!data.ok()) {
          protocol_error_ = data.status();
          ec = net::error::invalid_argument;
          return 0;
        }
        pending_ += *data;
      }
      size_t n = net::buffer_copy(buffers, net::buffer(pending_));
      pending_.erase(0, n);
      return n;
    }
    const Status& protocol_error() const { return protocol_error_; }

   private:
    Socket& ws_;
    PortForwardChannels& channels_;
    std::string pending_;
    Status protocol_error_;
  };

  Result<Forwarded> ForwardOn(const HttpRequest& upgrade, uint16_t port, const HttpRequest& request,
                              const ChunkSink* sink) {
    Forwarded out;
    Tunnel::Socket ws(*stream_);
    ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
      req.set(http::field::sec_websocket_protocol, kPortForwardProtocol);
      if (!options_.user_agent.empty()) req.set(http::field::user_agent, options_.user_agent);
      for (const auto& [k, v] : upgrade.headers) req.insert(k, v);
    }));
    ws.read_message_max(kMaxBufferedBody);
    websocket::response_type res;
    beast::error_code ec;
    ws.handshake(res, HostPort(url_), url_.prefix + upgrade.target, ec);
    out.upgrade.status = res.result_int();
    out.upgrade.reason = std::string(res.reason());
    for (const auto& f : res) out.upgrade.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    if (ec) {
      if (out.upgrade.status != 0 && out.upgrade.status != 101) {
        out.upgrade.body = res.body().substr(0, kMaxErrorBody);
        return out;
      }
      return NetError("port-forward through", ec);
    }
    ws.binary(true);

    http::request<http::string_body> req;
    req.method_string(request.method);
    req.target(request.target);
    req.version(11);
    req.set(http::field::host, "localhost:" + std::to_string(port));
    for (const auto& [k, v] : request.headers) req.insert(k, v);
    req.keep_alive(false);  // one request: the pod's server may end the stream after it
    req.body() = request.body;
    req.prepare_payload();
    std::ostringstream text;
    text << req;
    const std::string message = PortForwardChannels::DataMessage(text.str());
    ws.write(net::buffer(message), ec);
    if (ec) return NetError("write to", ec);

    PortForwardChannels channels(port);
    Tunnel tunnel(ws, channels);
    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    auto read = [&](bool header_only) {
      beast::error_code e;
      if (header_only) {
        http::read_header(tunnel, buffer, parser, e);
      } else {
        http::read(tunnel, buffer, parser, e);
      }
      return e;
    };
    bool started = false, whole = false;
    auto answer = ReadAnswer(parser, read, request.method, sink, &started, &whole);
    if (!tunnel.protocol_error().ok()) return tunnel.protocol_error();
    if (!answer.ok()) {
      // The server says why the port could not be reached (nothing
      // listening, a pod gone) on the error channel, then ends the stream.
      if (!channels.error().empty()) {
        return Status(Kind::kConnection, "port-forward to port " + std::to_string(port) + ": " + channels.error());
      }
      if (!started) {
        return Status(Kind::kConnection, "port-forward to port " + std::to_string(port) +
                                             ": the stream ended before an answer (" + answer.status().message() + ")");
      }
      return answer.status();
    }
    out.answer = std::move(*answer);
    return out;
  }

 private:
  void Close() {
    if (stream_) {
      beast::error_code ignored;
      // No TLS close_notify: waiting for the peer's would cost a round trip
      // for nothing, and the connection carries no further data.
      beast::get_lowest_layer(*stream_).socket().close(ignored);
    }
    stream_.reset();
    buffer_.clear();
  }

  TransportOptions options_;
  Url url_;
  std::optional<Url> proxy_;
  net::io_context ioc_;
  ssl::context ctx_;
  std::optional<TlsStream> stream_;
  beast::flat_buffer buffer_;
  Clock::time_point deadline_;
};

// Writes an error to every call: a transport that could not be set up.
class FailedTransport : public Transport {
 public:
  explicit FailedTransport(Status s) : status_(std::move(s)) {}
  Result<HttpResponse> RoundTrip(const HttpRequest&, const ChunkSink*) override { return status_; }

 private:
  Status status_;
};

bool NoProxyMatches(const std::string& host, const std::string& port, const std::string& no_proxy) {
  size_t start = 0;
  while (start <= no_proxy.size()) {
    size_t end = no_proxy.find(',', start);
    if (end == std::string::npos) end = no_proxy.size();
    std::string e = no_proxy.substr(start, end - start);
    start = end + 1;
    while (!e.empty() && e.front() == ' ') e.erase(0, 1);
    while (!e.empty() && e.back() == ' ') e.pop_back();
    if (e.empty()) continue;
    if (e == "*") return true;
    std::string e_port;
    if (auto c = e.rfind(':'); c != std::string::npos && e.find(':') == c) {
      e_port = e.substr(c + 1);
      e = e.substr(0, c);
    }
    if (!e_port.empty() && e_port != port) continue;
    if (e.front() == '.') e.erase(0, 1);
    if (host == e) return true;
    if (host.size() > e.size() && host.compare(host.size() - e.size(), e.size(), e) == 0 &&
        host[host.size() - e.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string ProxyFor(const std::string& host, const std::string& port, const std::string& proxy_url,
                     const std::string& https_proxy_env, const std::string& no_proxy_env) {
  if (!proxy_url.empty()) return proxy_url;  // the kubeconfig's proxy-url is used as given
  if (https_proxy_env.empty()) return "";
  if (host == "localhost") return "";
  boost::system::error_code ec;
  auto addr = net::ip::make_address(host, ec);
  if (!ec && addr.is_loopback()) return "";
  if (NoProxyMatches(host, port, no_proxy_env)) return "";
  return https_proxy_env;
}

std::unique_ptr<Transport> MakeBeastTransport(const TransportOptions& options) {
  auto t = std::make_unique<BeastTransport>(options);
  Status s = t->Init();
  if (!s.ok()) return std::make_unique<FailedTransport>(s);
  return t;
}

}  // namespace kube
