#include "kube/api_error.h"

#include <boost/json.hpp>

#include "kube/protobuf.h"

namespace kube {
namespace {

Kind KindFor(int code, const std::string& reason) {
  if (reason == "AlreadyExists") return Kind::kAlreadyExists;
  switch (code) {
    case 401: return Kind::kUnauthorized;
    case 403: return Kind::kForbidden;
    case 404: return Kind::kNotFound;
    case 409: return Kind::kConflict;
    case 410: return Kind::kGone;
    case 422: return Kind::kInvalid;
    case 429: return Kind::kTooManyRequests;
    default: return Kind::kServer;
  }
}

// The reason kubectl shows when the Status has none (apimachinery's
// NewGenericServerResponse).
std::string DefaultReason(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return code >= 500 ? "InternalError" : "Unknown";
  }
}

std::string Hint(int code, const std::string& reason, const std::string& message) {
  if (code == 403) return " (ask a cluster admin for that RBAC permission, or use another --context)";
  if (reason == "Conflict" && message.find("conflict") != std::string::npos &&
      message.find("field") != std::string::npos) {
    return " (another field manager owns these fields; re-run with --force-conflicts to take them)";
  }
  return "";
}

}  // namespace

Status DecodeApiError(int http_status, std::string_view body, const std::string& action) {
  std::string reason, message;
  bool is_status = false;
  boost::system::error_code ec;
  // A request that accepted protobuf gets its error as a protobuf Status.
  boost::json::value v;
  if (auto proto = DecodeProtoStatus(body)) {
    v = std::move(*proto);
  } else {
    v = boost::json::parse(body, ec);
  }
  if (!ec && v.is_object()) {
    const auto& o = v.as_object();
    if (auto* k = o.if_contains("kind"); k && k->is_string() && k->as_string() == "Status") {
      is_status = true;
      if (auto* r = o.if_contains("reason"); r && r->is_string()) reason = std::string(r->as_string());
      if (auto* m = o.if_contains("message"); m && m->is_string()) message = std::string(m->as_string());
    }
  }
  if (reason.empty()) reason = DefaultReason(http_status);
  if (message.empty()) {
    // Not a Status (an HTML error page from a proxy, or an empty body): say
    // what we did and what came back, without dumping the page.
    message = "the server responded with status " + std::to_string(http_status) + " to " + action;
    // A proxy's page (the service proxy passes the backend's answer through):
    // its first line says more than the status alone.
    std::string first(body.substr(0, body.find('\n')));
    if (!is_status && !first.empty() && !body.starts_with(kProtoMagic)) {
      if (first.size() > 160) first = first.substr(0, 160) + "...";
      message += ": " + first;
    }
  }
  Status s;
  if (http_status == 401) {
    s = Status(Kind::kUnauthorized, "You must be logged in to the server (" + reason +
                                        "): check the credentials of the current user in your kubeconfig");
  } else {
    s = Status(KindFor(http_status, reason),
               "Error from server (" + reason + "): " + message + (is_status ? Hint(http_status, reason, message) : ""));
  }
  s.set_http(http_status, reason);
  return s;
}

}  // namespace kube
