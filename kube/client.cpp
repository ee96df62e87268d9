#include "kube/client.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>
#include <thread>

#include <boost/json.hpp>

#include "kube/api_error.h"
#include "kube/base64.h"
#include "kube/list_reader.h"
#include "kube/protobuf.h"

namespace kube {
namespace json = boost::json;
namespace {

constexpr auto kTokenFileRereadPeriod = std::chrono::minutes(1);  // client-go's cachingTokenSource
// The longest one Retry-After is obeyed for: an overloaded API server asks
// for seconds; an hour is a broken or hostile one, and we give up sooner.
constexpr std::chrono::seconds kMaxRetryAfter{60};
// The most pages one LIST may take: 10,000 pages of 500 is five million
// objects, beyond any cluster; a server that never stops sending continue
// tokens is stopped here.
constexpr int kMaxListPages = 10000;
// client-go's Accept for built-in types (rest.ContentConfig): protobuf
// preferred, JSON when the server has no protobuf for the kind.
constexpr const char* kProtoOrJson = "application/vnd.kubernetes.protobuf, application/json";

std::string Trim(std::string s) {
  while (!s.empty() && isspace((unsigned char)s.back())) s.pop_back();
  size_t i = 0;
  while (i < s.size() && isspace((unsigned char)s[i])) ++i;
  return s.substr(i);
}

std::string DryRunParam(DryRun d) { return d == DryRun::kServer ? "All" : ""; }

std::string Join(const std::string& path, const std::string& query) {
  if (query.empty()) return path;
  return path + (path.find('?') == std::string::npos ? "?" : "&") + query;
}

// Retry-After in whole seconds, as client-go's checkWait reads it; -1 when
// absent or not a number. A huge value is cut to kMaxRetryAfter.
long long RetryAfterSeconds(const HttpResponse& r) {
  std::string v = r.Header("Retry-After");
  if (v.empty()) return -1;
  long long n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (end != v.data() + v.size()) return -1;  // not a number of seconds (an HTTP date, say)
  if (ec == std::errc::result_out_of_range) return kMaxRetryAfter.count();
  if (ec != std::errc() || n < 0) return -1;
  return std::min<long long>(n, kMaxRetryAfter.count());
}

}  // namespace

std::string UrlEscape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string Query(std::initializer_list<std::pair<std::string, std::string>> params) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    q += (q.empty() ? "" : "&") + k + "=" + UrlEscape(v);
  }
  return q;
}

Client::Client(ClientConfig config, ClientOptions options, ClientDeps deps)
    : config_(std::move(config)), options_(std::move(options)), deps_(std::move(deps)),
      server_for_log_(RedactUrl(config_.server)) {
  if (!deps_.log) deps_.log = &quiet_;
  if (!deps_.sleep) deps_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (!deps_.env) deps_.env = ProcessEnv();
  if (!deps_.environment) deps_.environment = ProcessEnviron();
  if (config_.exec) {
    exec_ = std::make_unique<ExecProvider>(*config_.exec, config_.exec_cluster_json, deps_.runner, deps_.environment,
                                           deps_.clock, deps_.stdin_is_terminal, options_.exec_timeout);
  }
  if (config_.insecure_skip_tls_verify) {
    deps_.log->Warning("insecure-skip-tls-verify is set: the server's certificate is not checked, "
                       "so anyone on the network path can read or change this conversation");
  }
}

void ReadTransportEnvironment(const Getenv& env, TransportOptions& t) {
  auto either = [&](const char* upper, const char* lower) {
    auto v = env(upper);
    if (!v || v->empty()) v = env(lower);
    return v.value_or("");
  };
  t.https_proxy_env = either("HTTPS_PROXY", "https_proxy");
  t.no_proxy_env = either("NO_PROXY", "no_proxy");
  t.ssl_cert_file = env("SSL_CERT_FILE").value_or("");
  t.ssl_cert_dir = env("SSL_CERT_DIR").value_or("");
}

Transport& Client::Conn() {
  // Built lazily and again when an exec plugin hands out a new client
  // certificate: a pooled connection must not outlive its certificate.
  std::string cert = config_.client_cert_pem;
  if (!transport_ || cert != transport_cert_) {
    TransportOptions t;
    t.server = config_.server;
    t.tls_server_name = config_.tls_server_name;
    t.insecure_skip_tls_verify = config_.insecure_skip_tls_verify;
    t.ca_pem = config_.ca_pem;
    t.client_cert_pem = config_.client_cert_pem;
    t.client_key_pem = config_.client_key_pem;
    t.proxy_url = config_.proxy_url;
    ReadTransportEnvironment(deps_.env, t);
    t.timeout = options_.timeout;
    t.user_agent = options_.user_agent;
    transport_ = deps_.transport(t);
    transport_cert_ = cert;
  }
  return *transport_;
}

Status Client::AddAuth(Headers& headers, bool* used_exec) {
  *used_exec = false;
  std::string token = config_.token;
  if (!config_.token_file.empty()) {
    auto now = deps_.clock();
    if (file_token_.empty() || now - file_token_read_ >= kTokenFileRereadPeriod) {
      auto t = deps_.fs->Read(config_.token_file);
      if (t.ok()) {
        file_token_ = Trim(*t);
        file_token_read_ = now;
      } else if (file_token_.empty() && token.empty()) {
        return Status(Kind::kCredential, "reading tokenFile " + config_.token_file + ": " + t.status().message());
      }
    }
    // The last value read from the file wins over a static token (client-go).
    if (!file_token_.empty()) token = file_token_;
  }
  if (exec_ && token.empty() && config_.username.empty()) {
    auto c = exec_->Get();
    if (!c.ok()) return c.status().WithContext("getting credentials");
    *used_exec = true;
    token = c->token;
    if (!c->client_cert_pem.empty()) {
      config_.client_cert_pem = c->client_cert_pem;
      config_.client_key_pem = c->client_key_pem;
    }
  }
  if (!token.empty()) {
    headers.emplace_back("Authorization", "Bearer " + token);
  } else if (!config_.username.empty() || !config_.password.empty()) {
    headers.emplace_back("Authorization", "Basic " + Base64Encode(config_.username + ":" + config_.password));
  }
  if (!config_.impersonate.as.empty()) headers.emplace_back("Impersonate-User", config_.impersonate.as);
  if (!config_.impersonate.as_uid.empty()) headers.emplace_back("Impersonate-Uid", config_.impersonate.as_uid);
  for (const auto& g : config_.impersonate.as_groups) headers.emplace_back("Impersonate-Group", g);
  // One header per value, the key escaped as client-go's headerKeyEscape
  // does (transport/round_trippers.go): bytes not legal in a header name
  // become %XX.
  for (const auto& [key, values] : config_.impersonate.as_user_extra) {
    std::string escaped;
    for (unsigned char c : key) {
      if (isalnum(c) || std::string_view("!#$&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos) {
        escaped += static_cast<char>(c);
      } else {
        char b[4];
        std::snprintf(b, sizeof b, "%%%02X", c);
        escaped += b;
      }
    }
    for (const auto& v : values) headers.emplace_back("Impersonate-Extra-" + escaped, v);
  }
  return Status::Ok();
}

void Client::LogRequest(const HttpRequest& req) const {
  const Logger& log = *deps_.log;
  if (!log.V(7)) return;
  log.Info(7, "Request " + req.method + " " + server_for_log_ + req.target);
  for (const auto& [k, v] : req.headers) log.Info(7, "    " + k + ": " + RedactHeader(k, v));
  if (log.V(8) && !req.body.empty()) log.Info(8, "Request Body: " + log.BodyForLog(req.body));
}

void Client::LogResponse(const HttpRequest& req, const HttpResponse& resp, std::chrono::milliseconds took,
                         bool streamed) const {
  const Logger& log = *deps_.log;
  log.Info(6, req.method + " " + server_for_log_ + req.target + " " + std::to_string(resp.status) + " " +
                  resp.reason + " in " + std::to_string(took.count()) + " milliseconds");
  if (!log.V(8)) return;
  log.Info(8, "Response Headers:");
  for (const auto& [k, v] : resp.headers) log.Info(8, "    " + k + ": " + RedactHeader(k, v));
  if (!streamed) log.Info(8, "Response Body: " + log.BodyForLog(resp.body));
}

void Client::NoteWarnings(const HttpResponse& resp) {
  for (const auto& [k, v] : resp.headers) {
    if (k.size() != 7 || strncasecmp(k.c_str(), "warning", 7) != 0) continue;
    // RFC 7234 warning: 299 - "text"
    auto q1 = v.find('"'), q2 = v.rfind('"');
    std::string text = q1 != std::string::npos && q2 > q1 ? v.substr(q1 + 1, q2 - q1 - 1) : v;
    if (warned_.insert(text).second) deps_.log->Warning(text);
  }
}

Result<HttpResponse> Client::Do(const std::string& method, const std::string& path, const std::string& body,
                                const std::string& content_type, const ChunkSink* sink, const char* accept,
                                const std::function<uint64_t()>& body_ahead) {
  auto r = Exchange(method, path, body, content_type, sink, accept, body_ahead);
  if (!r.ok() || (r->status >= 200 && r->status < 300)) return r;
  return DecodeApiError(r->status, r->body, method + " " + path);
}

Result<HttpResponse> Client::Exchange(const std::string& method, const std::string& path, const std::string& body,
                                      const std::string& content_type, const ChunkSink* sink, const char* accept,
                                      const std::function<uint64_t()>& body_ahead) {
  bool reauthenticated = false;
  int retries = 0;
  const auto deadline = deps_.clock() + options_.timeout;
  for (;;) {
    HttpRequest req{method, path, {}, body, body_ahead};
    req.headers.emplace_back("Accept", accept);
    if (!content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
    bool used_exec = false;
    Status auth = AddAuth(req.headers, &used_exec);
    if (!auth.ok()) return auth;
    LogRequest(req);

    auto start = std::chrono::steady_clock::now();
    Result<HttpResponse> r = Conn().RoundTrip(req, sink);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (!r.ok()) {
      deps_.log->Info(6, req.method + " " + server_for_log_ + req.target + "  in " + std::to_string(took.count()) +
                             " milliseconds: " + r.status().message());
      return r.status();
    }
    HttpResponse& resp = *r;
    LogResponse(req, resp, took, sink != nullptr);
    NoteWarnings(resp);
    if (resp.status >= 200 && resp.status < 300) return r;

    if (resp.status == 401 && !reauthenticated) {
      reauthenticated = true;
      if (used_exec) {
        exec_->Invalidate();  // the plugin's credential was refused: ask it again, once
        continue;
      }
      if (!config_.token_file.empty()) {
        file_token_.clear();  // the file may have been rotated under us
        continue;
      }
    }
    long long wait = RetryAfterSeconds(resp);
    // --request-timeout bounds the whole call, its waits included.
    bool in_time = options_.timeout.count() == 0 || deps_.clock() + std::chrono::seconds(wait) < deadline;
    if ((resp.status == 429 || resp.status >= 500) && wait >= 0 && retries < options_.max_retries && in_time) {
      ++retries;
      deps_.log->Info(4, "Got a Retry-After " + std::to_string(wait) + "s response for attempt " +
                             std::to_string(retries) + " to " + server_for_log_ + path);
      deps_.sleep(std::chrono::seconds(wait));
      continue;
    }
    return r;
  }
}

Result<HttpResponse> Client::PortForward(const std::string& ns, const std::string& pod, uint16_t port,
                                         const HttpRequest& request, const ChunkSink* sink) {
  const std::string path = "/api/v1/namespaces/" + ns + "/pods/" + pod + "/portforward";
  HttpRequest upgrade{"GET", path + "?ports=" + std::to_string(port), {}, ""};
  bool used_exec = false;
  Status auth = AddAuth(upgrade.headers, &used_exec);
  if (!auth.ok()) return auth;
  LogRequest(upgrade);
  const std::string forwarded = " (" + request.method + " " + request.target + " forwarded to port " +
                                std::to_string(port) + ")";
  auto start = std::chrono::steady_clock::now();
  auto r = Conn().Forward(upgrade, port, request, sink);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  if (!r.ok()) {
    deps_.log->Info(6, "GET " + server_for_log_ + upgrade.target + forwarded + " in " + std::to_string(took.count()) +
                           " milliseconds: " + r.status().message());
    return r.status().WithContext("port-forward to pod " + pod);
  }
  LogResponse(upgrade, r->upgrade, took, true);
  if (r->upgrade.status != 101) {
    // A server that answers the upgrade with 2xx does not speak WebSocket here.
    if (r->upgrade.status >= 200 && r->upgrade.status < 300) {
      return Status(Kind::kServer, "GET " + path + ": the server did not open a WebSocket (" +
                                       std::to_string(r->upgrade.status) + ")");
    }
    return DecodeApiError(r->upgrade.status, r->upgrade.body, "GET " + path);
  }
  deps_.log->Info(6, "  the pod answered" + forwarded + " " + std::to_string(r->answer.status) + " " + r->answer.reason);
  return std::move(r->answer);
}

Result<json::value> Client::Get(const std::string& path) {
  auto r = Do("GET", path, "", "");
  if (!r.ok()) return r.status();
  boost::system::error_code ec;
  json::value v = json::parse(r->body, ec);
  if (ec) return Status(Kind::kServer, "GET " + path + ": the server sent a body that is not JSON");
  return v;
}

Result<std::string> Client::List(const std::string& path, const ListOptions& options,
                                 const std::function<Status(json::object& item)>& each) {
  std::string cont;
  bool restarted = false;
  std::set<std::string> seen;  // continue tokens; one coming back would loop forever
  // A list of a built-in kind, when only some fields are wanted and a
  // schema has them all, is asked for as protobuf (kube/protobuf.h): the
  // API server serves it in less than half the CPU time JSON takes, in a
  // little more than half the bytes (5,000 nodes and 50,000 pods: 1.4-2.2 s
  // against 3.8-4.8 s, 64 MB against 112 MB; tests/bench/inventory_scale.sh).
  // JSON stays acceptable: a server or proxy without protobuf for the kind
  // answers with it, and the reader takes either.
  const ProtoList* proto = options.fields != nullptr ? ProtoListAt(path) : nullptr;
  if (proto != nullptr && !ProtoCovers(*proto->item, *options.fields)) proto = nullptr;
  std::optional<ProtoListPlan> plan;
  if (proto != nullptr) plan.emplace(*proto, options.fields);
  for (int pages = 0;; ++pages) {
    if (pages >= kMaxListPages) {
      return Status(Kind::kServer, "GET " + path + ": still more after " + std::to_string(kMaxListPages) +
                                       " pages; giving up (the server keeps sending continue tokens)");
    }
    std::string q = Query({{"labelSelector", options.label_selector},
                           {"fieldSelector", options.field_selector},
                           {"limit", options.limit > 0 ? std::to_string(options.limit) : ""},
                           {"continue", cont}});
    // Each page is read as it arrives (kube/list_reader.h), its items
    // handed on one by one with only options.fields in them.
    Status item_status, parsed;
    ListReader reader(
        options.fields,
        [&](json::object& item) {
          item_status = each(item);
          return item_status;
        },
        plan ? &*plan : nullptr, options.items_borrowed);
    // Pages are not held, but one is still bounded as a held body is: a
    // server that sends without end is stopped, not read for ever.
    size_t page_bytes = 0;
    ChunkSink sink = [&](std::string_view chunk) {
      page_bytes += chunk.size();
      if (page_bytes > kMaxBufferedBody) {
        parsed = Status(Kind::kServer, "the page is larger than " + std::to_string(kMaxBufferedBody >> 20) +
                                           " MiB; stopped reading it");
        return false;
      }
      parsed = reader.Feed(chunk);
      return parsed.ok();
    };
    auto page = Do("GET", Join(path, q), "", "", &sink, proto ? kProtoOrJson : "application/json",
                   [&reader] { return reader.BytesAhead(); });
    if (!item_status.ok()) return item_status;
    if (!page.ok()) {
      // An expired continue token: start the list over, once.
      if (page.status().kind() == Kind::kGone && !cont.empty() && !restarted) {
        restarted = true;
        cont.clear();
        seen.clear();
        continue;
      }
      return page.status();
    }
    if (parsed.ok()) parsed = reader.Finish();
    if (!item_status.ok()) return item_status;
    if (!parsed.ok()) return Status(Kind::kServer, "GET " + path + ": " + parsed.message());
    const std::string rv = reader.resource_version();
    cont = reader.continue_token();
    if (cont.empty()) return rv;
    if (!seen.insert(cont).second) {
      return Status(Kind::kServer, "GET " + path + ": the server sent the same continue token twice; giving up");
    }
  }
}

Result<json::value> Client::Write(const std::string& method, const std::string& target, const json::value& body,
                                  const std::string& content_type) {
  auto r = Do(method, target, json::serialize(body), content_type);
  if (!r.ok()) return r.status();
  // The change is made; an answer that is not JSON is still an error to
  // report, never a crash (the caller's undo must get to run).
  boost::system::error_code ec;
  json::value v = json::parse(r->body, ec);
  if (ec) return Status(Kind::kServer, method + " " + target + ": the server answered with a body that is not JSON");
  return v;
}

Result<json::value> Client::Apply(const std::string& path, const json::value& object, const std::string& field_manager,
                                  bool force, DryRun dry_run) {
  std::string q = Query({{"fieldManager", field_manager}, {"force", force ? "true" : ""},
                         {"dryRun", DryRunParam(dry_run)}, {"fieldValidation", "Strict"}});
  return Write("PATCH", Join(path, q), object, "application/apply-patch+yaml");
}

Result<json::value> Client::MergePatch(const std::string& path, const json::value& patch,
                                       const std::string& field_manager, DryRun dry_run) {
  std::string q = Query({{"fieldManager", field_manager}, {"dryRun", DryRunParam(dry_run)}});
  return Write("PATCH", Join(path, q), patch, "application/merge-patch+json");
}

Result<json::value> Client::Create(const std::string& collection_path, const json::value& object,
                                   const std::string& field_manager, DryRun dry_run) {
  std::string q = Query({{"fieldManager", field_manager}, {"dryRun", DryRunParam(dry_run)}});
  return Write("POST", Join(collection_path, q), object, "application/json");
}

Status Client::Delete(const std::string& path, DryRun dry_run, const std::string& uid) {
  json::object opts{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", "Background"}};
  if (!uid.empty()) opts["preconditions"] = json::object{{"uid", uid}};
  if (dry_run == DryRun::kServer) opts["dryRun"] = json::array{"All"};
  auto r = Do("DELETE", path, json::serialize(opts), "application/json");
  return r.status();
}

std::string Client::ServiceProxyPath(const std::string& ns, const std::string& service, const std::string& port,
                                     const std::string& path) {
  return "/api/v1/namespaces/" + ns + "/services/" + service + (port.empty() ? "" : ":" + port) + "/proxy" +
         (path.empty() || path[0] == '/' ? path : "/" + path);
}

}  // namespace kube
