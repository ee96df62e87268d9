// kube::Status and kube::Result<T>: errors as values across module boundaries.
//
// A Status is OK or carries a kind and a one-line message meant for a person:
// what went wrong, on which object, and what to do. Kinds mirror the reasons
// the API server returns (metav1.StatusReason) plus the client-side failures
// that kubectl distinguishes (bad config, connection, TLS).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace kube {

enum class Kind {
  kOk,
  kInvalidConfig,     // kubeconfig or flags cannot work; nothing was sent
  kInvalidArgument,   // the caller asked for something malformed
  kConnection,        // TCP, DNS, proxy or timeout
  kTls,               // handshake or certificate verification
  kUnauthorized,      // 401
  kForbidden,         // 403
  kNotFound,          // 404
  kAlreadyExists,     // 409 AlreadyExists
  kConflict,          // 409 Conflict (incl. field-manager conflicts)
  kGone,              // 410 Expired / Gone
  kInvalid,           // 422
  kTooManyRequests,   // 429
  kServer,            // other 4xx / 5xx
  kCredential,        // exec plugin or token file failure
  kInternal,          // a bug or an unexpected library failure
  kInterrupted,       // SIGINT or SIGTERM stopped a command
};

class Status {
 public:
  Status() = default;
  Status(Kind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return kind_ == Kind::kOk; }
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  // HTTP status of the server's answer, when the error came from one.
  int http_code() const { return http_code_; }
  // The server's metav1.Status reason ("Forbidden", "NotFound"), when known.
  const std::string& reason() const { return reason_; }

  Status& set_http(int code, std::string reason) {
    http_code_ = code;
    reason_ = std::move(reason);
    return *this;
  }

  // Returns a copy whose message is "context: message", as errors gain
  // context on their way up ("label node gpu-3: forbidden: ...").
  Status WithContext(const std::string& context) const {
    Status s = *this;
    s.message_ = context + ": " + message_;
    return s;
  }

 private:
  Kind kind_ = Kind::kOk;
  std::string message_;
  int http_code_ = 0;
  std::string reason_;
};

// Either a T or a non-OK Status. REQUIRES: a Status given to it is not OK.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  // Status::Ok() when ok().
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace kube
