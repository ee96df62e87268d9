#include "kube/log.h"

#include <chrono>
#include <ctime>
#include <set>
#ifdef _WIN32
#include <process.h>  // getpid
#else
#include <unistd.h>
#endif

#include <boost/json.hpp>

namespace kube {
namespace {

constexpr char kMasked[] = "<masked>";

const std::set<std::string>& SecretKeys() {
  static const std::set<std::string> keys = {
      "token", "password", "clientKeyData", "client-key-data", "client-certificate-data",
      "clientCertificateData", "access_token", "id-token", "refresh-token", "HF_TOKEN"};
  return keys;
}

void Walk(boost::json::value& v) {
  if (auto* o = v.if_object()) {
    bool secret = false;
    if (auto* k = o->if_contains("kind"); k && k->is_string() && k->as_string() == "Secret") secret = true;
    for (auto& [key, child] : *o) {
      std::string k(key);
      if (secret && (k == "data" || k == "stringData") && child.is_object()) {
        for (auto& [_, val] : child.as_object()) val = kMasked;
      } else if (SecretKeys().count(k) && child.is_string()) {
        child = kMasked;
      } else if (k == "env" && child.is_array()) {
        // Container env entries named like a token carry one.
        for (auto& e : child.as_array()) {
          auto* eo = e.if_object();
          if (!eo) continue;
          auto* name = eo->if_contains("name");
          auto* val = eo->if_contains("value");
          if (name && val && name->is_string()) {
            std::string n(name->as_string());
            if (n.find("TOKEN") != std::string::npos || n.find("PASSWORD") != std::string::npos) *val = kMasked;
          }
        }
      } else {
        Walk(child);
      }
    }
  } else if (auto* a = v.if_array()) {
    for (auto& child : *a) Walk(child);
  }
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  std::string u(url);
  auto scheme = u.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t end = u.find_first_of("/?#", start);
  size_t at = u.rfind('@', end == std::string::npos ? u.size() : end);
  if (at == std::string::npos || at < start) return u;
  size_t colon = u.find(':', start);
  if (colon == std::string::npos || colon > at) return u;  // a user name alone is not secret
  return u.substr(0, colon + 1) + "xxxxx" + u.substr(at);
}

void Logger::Info(int level, std::string_view msg) const {
  if (!V(level)) return;
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm;
#ifdef _WIN32
  gmtime_s(&tm, &t);
#else
  gmtime_r(&t, &tm);
#endif
  char head[64];
  std::snprintf(head, sizeof head, "I%02d%02d %02d:%02d:%02d.%06lld %7d kube] ", tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(us), static_cast<int>(::getpid()));
  *err_ << head << msg << "\n";
}

void Logger::Warning(std::string_view msg) const {
  if (err_) *err_ << "Warning: " << msg << "\n";
}

std::string Logger::BodyForLog(std::string_view body) const {
  std::string r = RedactBody(body);
  size_t limit = verbosity_ >= 10 ? std::string::npos : verbosity_ >= 9 ? 10240 : 1024;
  if (r.size() > limit) r = r.substr(0, limit) + " [truncated " + std::to_string(r.size() - limit) + " chars]";
  return r;
}

std::string RedactHeader(std::string_view name, std::string_view value) {
  std::string n(name);
  for (auto& c : n) c = static_cast<char>(tolower(c));
  if (n == "authorization" || n == "proxy-authorization") {
    auto sp = value.find(' ');
    return std::string(sp == std::string_view::npos ? "" : value.substr(0, sp + 1)) + kMasked;
  }
  return std::string(value);
}

std::string RedactBody(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (!ec) {
    Walk(v);
    return boost::json::serialize(v);
  }
  if (body.find("PRIVATE KEY") != std::string_view::npos || body.find("Bearer ") != std::string_view::npos ||
      body.find("token") != std::string_view::npos) {
    return "<body masked: " + std::to_string(body.size()) + " bytes that may hold a secret>";
  }
  return std::string(body);
}

}  // namespace kube
