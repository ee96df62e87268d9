// kube::Logger: kubectl's -v=N logging, and the redaction that keeps secrets
// out of it.
//
// Levels follow client-go's round trippers: 6 logs each request's method,
// URL, status and latency; 7 adds request headers; 8 adds response headers
// and bodies cut at 1 KiB; 9 cuts bodies at 10 KiB; 10 logs whole bodies.
// Every header and body goes through Redact* first, at every level.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace kube {

class Logger {
 public:
  Logger() = default;
  Logger(int verbosity, std::ostream* err) : verbosity_(verbosity), err_(err) {}

  bool V(int level) const { return err_ != nullptr && verbosity_ >= level; }
  int verbosity() const { return verbosity_; }
  // One klog-style line ("I1128 12:00:00.000000  4242 kube] msg") if V(level).
  void Info(int level, std::string_view msg) const;
  // Always printed, as kubectl prints "Warning: ..." from the server.
  void Warning(std::string_view msg) const;
  // Body cut for this verbosity, after redaction.
  std::string BodyForLog(std::string_view body) const;

 private:
  int verbosity_ = 0;
  std::ostream* err_ = nullptr;
};

// "https://user:secret@host" -> "https://user:xxxxx@host", as Go's
// url.Redacted() prints it; other URLs unchanged.
std::string RedactUrl(std::string_view url);

// "Authorization: Bearer abc" -> "Bearer <masked>"; other headers unchanged.
std::string RedactHeader(std::string_view name, std::string_view value);

// Masks secret values in a JSON or YAML body: the data and stringData of a
// Secret, and any field named token, password, clientKeyData,
// client-key-data, client-certificate-data or access_token; PEM private keys
// anywhere. Bodies that are not JSON are masked wholesale when they hold a
// PEM key or a bearer token.
std::string RedactBody(std::string_view body);

}  // namespace kube
