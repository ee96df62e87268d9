#include "plugin/hub.h"

#include <boost/json.hpp>

#include "kube/base64.h"
#include "kube/json_fields.h"
#include "kube/names.h"
#include "plugin/app.h"
#include "plugin/flags.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

// Bytes per element of a safetensors dtype, as the Hub names them.
std::optional<double> DtypeSize(const std::string& d) {
  if (d == "F64" || d == "I64" || d == "U64") return 8;
  if (d == "F32" || d == "I32" || d == "U32") return 4;
  if (d == "BF16" || d == "F16" || d == "I16" || d == "U16") return 2;
  if (d == "F8_E4M3" || d == "F8_E5M2" || d == "I8" || d == "U8" || d == "BOOL") return 1;
  return std::nullopt;
}

std::string Page(const std::string& endpoint, const std::string& repo) { return endpoint + "/" + repo; }

// The transport words its errors for an API server ("... (check the server
// address in your kubeconfig)", "- did you specify the right host or
// port?"): the Hub is not in the kubeconfig, but in $HF_ENDPOINT. An
// address the transport cannot use at all is the user's to fix.
Status ForTheHub(const Status& s, const std::string& endpoint) {
  std::string m = s.message();
  for (const char* hint : {" (check ", " - did you specify"}) {
    size_t at = m.find(hint);
    if (at != std::string::npos) m.erase(at);
  }
  if (s.kind() == Kind::kConnection || s.kind() == Kind::kTls) return Status(s.kind(), m);
  return Status(Kind::kInvalidArgument, "HF_ENDPOINT " + endpoint + ": " + m + " (set it to https://HOST, or unset it "
                                                                              "for https://huggingface.co)");
}

// What each refusal says, with and without a token.
Status Refusal(int status, const std::string& repo, const std::string& endpoint, bool had_token) {
  const std::string page = Page(endpoint, repo);
  if (status == 404 || (status == 401 && !had_token)) {
    return Status(Kind::kNotFound, "the Hugging Face Hub has no model " + repo + (had_token ? "" : " that it shows without a token") +
                                       " (" + std::to_string(status) + "): check the repo id" +
                                       (had_token ? "" : ", or pass a token that may read it (--hf-token-from-env)") +
                                       "; nothing was changed");
  }
  if (status == 401) {
    return Status(Kind::kForbidden, "the Hugging Face Hub refused the token for " + repo +
                                        " (401): it is invalid or expired; make a new one at " + endpoint +
                                        "/settings/tokens; nothing was changed");
  }
  if (!had_token) {
    return Status(Kind::kForbidden, repo + " is gated (" + std::to_string(status) +
                                        "): request access on " + page +
                                        ", then pass a token that may read it (--hf-token-from-env); nothing was changed");
  }
  return Status(Kind::kForbidden, "the token may not read " + repo + " (" + std::to_string(status) +
                                      "): request access on " + page +
                                      " (a licence or a contact form) and wait until it is granted, or give the token "
                                      "read access to gated repos; nothing was changed");
}

}  // namespace

kube::Result<HubModel> ReadHubModel(int status, const std::string& body, const std::string& repo,
                                    const std::string& endpoint, bool had_token) {
  if (status == 401 || status == 403 || status == 404) return Refusal(status, repo, endpoint, had_token);
  if (status < 200 || status > 299) {
    return Status(Kind::kConnection, "the Hugging Face Hub answered " + std::to_string(status) + " for " + repo);
  }
  HubModel m;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return m;  // exists; nothing more to learn
  const json::object& o = v.as_object();
  if (const json::value* g = o.if_contains("gated")) m.gated = g->is_string() || (g->is_bool() && g->as_bool());
  const json::object* st = kube::ObjField(&o, "safetensors");
  if (const json::object* params = kube::ObjField(st, "parameters")) {
    double bytes = 0;
    bool known = true;
    for (const auto& [dtype, count] : *params) {
      auto size = DtypeSize(std::string(dtype));
      if (!size || !count.is_number()) {
        known = false;
        break;
      }
      bytes += *size * count.to_number<double>();
    }
    if (known && bytes > 0) m.weights_gib = bytes / kGiB;
  }
  if (st) {
    if (const json::value* t = st->if_contains("total"); t && t->is_number()) m.params_b = t->to_number<double>() / 1e9;
  }
  return m;
}

kube::Status ReadHubFileAccess(int status, const std::string& repo, const std::string& endpoint, bool had_token) {
  if (status >= 200 && status < 400) return Status::Ok();
  if (status == 401 || status == 403) return Refusal(403, repo, endpoint, had_token);
  if (status == 404) return Status::Ok();  // no such file: the repo's own layout, not access
  return Status(Kind::kConnection, "the Hugging Face Hub answered " + std::to_string(status) + " for " + repo);
}

namespace {

// A transport to $HF_ENDPOINT (default https://huggingface.co), which
// `endpoint` is set to.
std::unique_ptr<kube::Transport> HubTransport(const kube::ClientDeps& deps, std::string& endpoint) {
  endpoint = deps.env("HF_ENDPOINT").value_or("");
  if (endpoint.empty()) endpoint = kDefaultHubEndpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  kube::TransportOptions to;
  to.server = endpoint;
  kube::ReadTransportEnvironment(deps.env, to);
  to.timeout = std::chrono::seconds(15);
  to.user_agent = "kubectl-lm";
  return deps.transport(to);
}

}  // namespace

kube::Result<std::string> AskHubFile(const kube::ClientDeps& deps, const kube::Logger& logger, const std::string& repo,
                                     const std::string& file, const std::string& token) {
  std::string endpoint;
  auto transport = HubTransport(deps, endpoint);
  kube::HttpRequest req{"GET", "/" + repo + "/resolve/main/" + file, {}, ""};
  if (!token.empty()) req.headers.push_back({"Authorization", "Bearer " + token});
  auto answer = transport->RoundTrip(req, nullptr);
  if (!answer.ok()) return ForTheHub(answer.status(), endpoint);
  if (logger.V(6)) logger.Info(6, "GET " + endpoint + req.target + " " + std::to_string(answer->status));
  if (answer->status != 200) {
    return Status(answer->status == 404 ? kube::Kind::kNotFound : kube::Kind::kForbidden,
                  endpoint + "/" + repo + " has no readable " + file + " (HTTP " + std::to_string(answer->status) + ")");
  }
  return answer->body;
}

std::optional<int> LoraRankOf(const std::string& adapter_config) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(adapter_config, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const boost::json::value* r = v.as_object().if_contains("r");
  if (!r || !r->is_int64() || r->as_int64() <= 0 || r->as_int64() > 1 << 20) return std::nullopt;
  return static_cast<int>(r->as_int64());
}

kube::Result<HubModel> AskHub(const kube::ClientDeps& deps, const kube::Logger& logger, const std::string& repo,
                              const std::string& token) {
  std::string endpoint;
  auto transport = HubTransport(deps, endpoint);
  kube::HttpRequest req{"GET", "/api/models/" + repo, {{"Accept", "application/json"}}, ""};
  if (!token.empty()) req.headers.push_back({"Authorization", "Bearer " + token});
  auto log = [&](const kube::HttpRequest& r, int status) {
    if (logger.V(6)) logger.Info(6, r.method + " " + endpoint + r.target + " " + std::to_string(status));
  };
  auto answer = transport->RoundTrip(req, nullptr);
  if (!answer.ok()) return ForTheHub(answer.status(), endpoint);
  log(req, answer->status);
  auto model = ReadHubModel(answer->status, answer->body, repo, endpoint, !token.empty());
  if (!model.ok() || !model->gated) return model;
  // Gated: may this token read its files?
  kube::HttpRequest head{"HEAD", "/" + repo + "/resolve/main/config.json", req.headers, ""};
  auto file = transport->RoundTrip(head, nullptr);
  if (!file.ok()) return ForTheHub(file.status(), endpoint);
  log(head, file->status);
  Status access = ReadHubFileAccess(file->status, repo, endpoint, !token.empty());
  if (!access.ok()) return access;
  return model;
}

namespace {

// The token the pod will have, when this user can know it: nullopt when
// there is a Secret this user may not read.
std::optional<std::string> TokenForHub(kube::Client& client, const std::string& ns, const HubToken& t) {
  if (!t.value.empty() || t.secret.empty()) return t.value;
  auto secret = client.Get("/api/v1/namespaces/" + ns + "/secrets/" + t.secret);
  if (!secret.ok() && secret.status().kind() == kube::Kind::kNotFound) return "";  // the caller says so
  if (!secret.ok() || !secret->is_object()) return std::nullopt;
  const boost::json::object* data = kube::ObjField(&secret->as_object(), "data");
  auto decoded = kube::Base64Decode(kube::StrField(data, t.key.c_str()));
  if (!decoded) return std::nullopt;
  return *decoded;
}

}  // namespace

kube::Status GatedNeedsToken(const std::string& name, const std::string& repo) {
  return Status(Kind::kInvalidArgument, name + " (" + repo + ") is gated: request access on https://huggingface.co/" +
                                            repo + " (a licence or a contact form), then pass --hf-token-from-env with "
                                            "HF_TOKEN set, or --hf-token-secret NAME[:KEY]");
}

kube::Status CheckTokenSecret(kube::Client& client, const std::string& ns, const std::string& secret) {
  if (secret.empty()) return Status::Ok();
  auto s = client.Get("/api/v1/namespaces/" + ns + "/secrets/" + secret);
  if (!s.ok() && s.status().kind() == Kind::kNotFound) {
    return Status(Kind::kNotFound, "secret \"" + secret + "\" not found in namespace " + ns +
                                       " (create it, or pass --hf-token-from-env)");
  }
  return Status::Ok();
}

std::string SetSecretRef(const std::string& flag, const std::string& v, std::string& secret, std::string& key) {
  auto colon = v.find(':');
  secret = v.substr(0, colon);
  if (colon != std::string::npos) key = v.substr(colon + 1);
  if (!kube::IsDnsSubdomain(secret) || !kube::IsDataKey(key)) {
    return Invalid(flag, v, "use NAME or NAME:KEY, a Secret's name and a key of its data");
  }
  return "";
}

kube::Result<std::optional<HubModel>> CheckRepo(App& app, kube::Client& client, const std::string& ns,
                                                const std::string& repo, const HubToken& t, bool skip) {
  if (skip) {
    app.log.Warning("--skip-hub-check: whether " + repo + " exists and the token may read it shows only in the "
                    "server's log (kubectl lm logs)");
    return std::optional<HubModel>();
  }
  const std::optional<std::string> token = TokenForHub(client, ns, t);
  auto hub = AskHub(app.deps, app.log, repo, token.value_or(""));
  if (!hub.ok() && !token) {
    // Asked without the token, which the pod will have: a refusal proves nothing.
    app.log.Warning("cannot read secret " + t.secret + ": whether its token may read " + repo +
                    " is not checked (the Hub answered without it: " + hub.status().message() + ")");
    return std::optional<HubModel>();
  }
  if (!hub.ok()) {
    if (hub.status().kind() != kube::Kind::kConnection && hub.status().kind() != kube::Kind::kTls) return hub.status();
    app.log.Warning("could not reach the Hugging Face Hub (" + hub.status().message() + "); " + repo +
                    " and its token are not checked (--skip-hub-check skips the attempt)");
    return std::optional<HubModel>();
  }
  return std::optional<HubModel>(*hub);
}

}  // namespace lm
