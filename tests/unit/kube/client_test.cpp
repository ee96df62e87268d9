// Client behaviour that the real API server cannot be made to show on
// demand (429/503 with Retry-After, an expired continue token, a 401 that a
// fresh exec credential cures), against an in-memory Transport. Everything
// else is tested against the real control plane in tests/e2e.
#include <boost/test/unit_test.hpp>

#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include <sstream>

#include <boost/json.hpp>

#include "kube/client.h"
#include "kube/list_reader.h"
#include "env_of.h"
#include "testdata.h"

using namespace kube;
BOOST_TEST_DONT_PRINT_LOG_VALUE(kube::Kind)

namespace {

struct Script {
  std::deque<HttpResponse> responses;
  std::vector<HttpRequest> seen;
};

class FakeTransport : public Transport {
 public:
  explicit FakeTransport(Script* s) : s_(s) {}
  Result<HttpResponse> RoundTrip(const HttpRequest& req, const ChunkSink* sink) override {
    s_->seen.push_back(req);
    if (s_->responses.empty()) return Status(Kind::kConnection, "no more scripted responses");
    HttpResponse r = s_->responses.front();
    s_->responses.pop_front();
    if (sink && r.status / 100 == 2) {
      // Deliver in small pieces, as a network would.
      for (size_t i = 0; i < r.body.size(); i += 7) {
        if (!(*sink)(std::string_view(r.body).substr(i, 7))) break;
      }
      r.body.clear();
    }
    return r;
  }

 private:
  Script* s_;
};

HttpResponse Resp(int status, std::string body, Headers h = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(h);
  return r;
}

std::string HeaderOf(const HttpRequest& r, const std::string& name) {
  for (auto& [k, v] : r.headers) if (k == name) return v;
  return "";
}

class FakeRunner : public ProcessRunner {
 public:
  int runs = 0;
  Result<ProcessResult> Run(const std::vector<std::string>&, const std::vector<std::string>&, bool,
                            std::chrono::milliseconds) override {
    ++runs;
    return ProcessResult{0, R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-)" +
                                std::to_string(runs) + R"("}})"};
  }
};

struct Fixture {
  Script script;
  MemoryFileSystem fs;
  FakeRunner runner;
  std::vector<std::chrono::milliseconds> slept;
  std::ostringstream log_out;
  Logger logger{0, &log_out};
  ClientOptions options;

  std::unique_ptr<Client> Make(ClientConfig cc) {
    cc.server = cc.server.empty() ? "https://127.0.0.1:6443" : cc.server;
    ClientDeps d;
    d.transport = [this](const TransportOptions&) { return std::make_unique<FakeTransport>(&script); };
    d.fs = &fs;
    d.runner = &runner;
    d.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    d.sleep = [this](std::chrono::milliseconds m) { slept.push_back(m); };
    d.log = &logger;
    return std::make_unique<Client>(cc, options, d);
  }
};

const char* kStatus503 = R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"try later","reason":"ServiceUnavailable","code":503})";

}  // namespace

BOOST_FIXTURE_TEST_SUITE(client, Fixture)

BOOST_AUTO_TEST_CASE(retries_429_and_5xx_only_with_retry_after) {
  auto c = Make({});
  script.responses = {Resp(429, "{}", {{"Retry-After", "2"}}), Resp(503, kStatus503, {{"Retry-After", "1"}}),
                      Resp(200, R"({"ok":true})")};
  auto r = c->Get("/version");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().message());
  BOOST_CHECK_EQUAL(script.seen.size(), 3u);
  BOOST_REQUIRE_EQUAL(slept.size(), 2u);
  BOOST_CHECK(slept[0] == std::chrono::seconds(2));

  script.seen.clear();
  script.responses = {Resp(503, kStatus503)};
  auto no_header = c->Get("/version");
  BOOST_CHECK_EQUAL(script.seen.size(), 1u);
  BOOST_CHECK_EQUAL(no_header.status().message(), "Error from server (ServiceUnavailable): try later");
}

BOOST_AUTO_TEST_CASE(gives_up_after_ten_retries) {
  auto c = Make({});
  for (int i = 0; i < 12; ++i) script.responses.push_back(Resp(429, "{}", {{"Retry-After", "0"}}));
  auto r = c->Get("/x");
  BOOST_CHECK(!r.ok());
  BOOST_CHECK_EQUAL(script.seen.size(), 11u);
  BOOST_CHECK_EQUAL(r.status().kind(), Kind::kTooManyRequests);
}

BOOST_AUTO_TEST_CASE(list_pages_and_restarts_on_expired_continue) {
  auto c = Make({});
  script.responses = {
      Resp(200, R"({"metadata":{"continue":"c1"},"items":[{"n":1},{"n":2}]})"),
      Resp(410, R"({"kind":"Status","reason":"Expired","code":410,"message":"continue expired"})"),
      Resp(200, R"({"metadata":{"continue":"c2"},"items":[{"n":1},{"n":2}]})"),
      Resp(200, R"({"metadata":{"resourceVersion":"42"},"items":[{"n":3}]})"),
  };
  std::vector<int64_t> got;
  auto rv = c->List("/api/v1/nodes", {.label_selector = "a=b", .limit = 2}, [&](boost::json::object& o) {
    got.push_back(o["n"].as_int64());
    return Status::Ok();
  });
  BOOST_REQUIRE_MESSAGE(rv.ok(), rv.status().message());
  BOOST_CHECK_EQUAL(*rv, "42");
  BOOST_CHECK_EQUAL(script.seen[0].target, "/api/v1/nodes?labelSelector=a%3Db&limit=2");
  BOOST_CHECK_EQUAL(script.seen[1].target, "/api/v1/nodes?labelSelector=a%3Db&limit=2&continue=c1");
  BOOST_CHECK_EQUAL(script.seen[2].target, "/api/v1/nodes?labelSelector=a%3Db&limit=2");
  // Items of the abandoned pass are delivered again: callers treat List as
  // "these are the items" and must be idempotent per item.
  BOOST_CHECK_EQUAL(got.size(), 5u);
  BOOST_CHECK_EQUAL(got.back(), 3);
}

BOOST_AUTO_TEST_CASE(exec_credential_refreshed_once_on_401) {
  ClientConfig cc;
  cc.exec = ExecConfig{"plug", {}, {}, "client.authentication.k8s.io/v1", "", false, "Never"};
  auto c = Make(cc);
  script.responses = {Resp(401, "{}"), Resp(200, "{}")};
  BOOST_REQUIRE(c->Get("/version").ok());
  BOOST_CHECK_EQUAL(HeaderOf(script.seen[0], "Authorization"), "Bearer exec-1");
  BOOST_CHECK_EQUAL(HeaderOf(script.seen[1], "Authorization"), "Bearer exec-2");

  script.responses = {Resp(401, "{}"), Resp(401, "{}"), Resp(200, "{}")};
  auto r = c->Get("/version");
  BOOST_CHECK_EQUAL(r.status().kind(), Kind::kUnauthorized);
  BOOST_CHECK_EQUAL(runner.runs, 3);
}

BOOST_AUTO_TEST_CASE(token_file_wins_over_token_and_is_reread_after_401) {
  fs.Add("/tok", "file-1\n");
  ClientConfig cc;
  cc.token = "static";
  cc.token_file = "/tok";
  auto c = Make(cc);
  script.responses = {Resp(200, "{}"), Resp(401, "{}"), Resp(200, "{}")};
  BOOST_REQUIRE(c->Get("/a").ok());
  BOOST_CHECK_EQUAL(HeaderOf(script.seen[0], "Authorization"), "Bearer file-1");
  fs.Add("/tok", "file-2");
  BOOST_REQUIRE(c->Get("/b").ok());
  BOOST_CHECK_EQUAL(HeaderOf(script.seen[2], "Authorization"), "Bearer file-2");
}

BOOST_AUTO_TEST_CASE(basic_auth_and_impersonation_headers) {
  ClientConfig cc;
  cc.username = "admin";
  cc.password = "secret";
  cc.impersonate.as = "jane";
  cc.impersonate.as_groups = {"devs", "ops"};
  auto c = Make(cc);
  script.responses = {Resp(200, "{}")};
  BOOST_REQUIRE(c->Get("/a").ok());
  BOOST_CHECK_EQUAL(HeaderOf(script.seen[0], "Authorization"), "Basic YWRtaW46c2VjcmV0");
  BOOST_CHECK_EQUAL(HeaderOf(script.seen[0], "Impersonate-User"), "jane");
  int groups = 0;
  for (auto& [k, v] : script.seen[0].headers) groups += k == "Impersonate-Group";
  BOOST_CHECK_EQUAL(groups, 2);
}

BOOST_AUTO_TEST_CASE(apply_sends_field_manager_and_apply_patch_content_type) {
  auto c = Make({});
  script.responses = {Resp(200, "{}")};
  boost::json::value obj = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "x"}}}};
  BOOST_REQUIRE(c->Apply("/api/v1/namespaces/d/configmaps/x", obj, "kubectl-lm", true, DryRun::kServer).ok());
  BOOST_CHECK_EQUAL(script.seen[0].method, "PATCH");
  BOOST_CHECK_EQUAL(script.seen[0].target,
                    "/api/v1/namespaces/d/configmaps/x?fieldManager=kubectl-lm&force=true&dryRun=All&fieldValidation=Strict");
  BOOST_CHECK_EQUAL(HeaderOf(script.seen[0], "Content-Type"), "application/apply-patch+yaml");
}

BOOST_AUTO_TEST_CASE(a_write_answered_with_a_body_that_is_not_json_is_an_error_not_a_crash) {
  auto c = Make({});
  script.responses = {Resp(200, "<html>proxy says hi</html>")};
  boost::json::object obj{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "x"}}}};
  auto r = c->Apply("/api/v1/namespaces/d/configmaps/x", obj, "kubectl-lm", false, DryRun::kNone);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_EQUAL(r.status().kind(), Kind::kServer);
  BOOST_CHECK(r.status().message().find("not JSON") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(retry_after_longer_than_the_request_timeout_gives_up_with_the_servers_message) {
  options.timeout = std::chrono::seconds(3);
  auto c = Make({});
  script.responses = {Resp(429, R"({"kind":"Status","status":"Failure","message":"slow down","reason":"TooManyRequests","code":429})",
                           {{"Retry-After", "3600"}})};
  auto r = c->Get("/x");
  BOOST_CHECK_EQUAL(script.seen.size(), 1u);
  BOOST_CHECK(slept.empty());
  BOOST_CHECK_EQUAL(r.status().kind(), Kind::kTooManyRequests);
  BOOST_CHECK(r.status().message().find("slow down") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(retry_after_99999999999_is_cut_not_a_crash) {
  auto c = Make({});
  script.responses = {Resp(503, kStatus503, {{"Retry-After", "99999999999999999999999"}}), Resp(200, "{}")};
  BOOST_REQUIRE(c->Get("/x").ok());
  BOOST_REQUIRE_EQUAL(slept.size(), 1u);
  BOOST_CHECK(slept[0] == std::chrono::seconds(60));
  script.seen.clear();
  script.responses = {Resp(503, kStatus503, {{"Retry-After", "-5"}})};
  BOOST_CHECK(!c->Get("/x").ok());  // not a wait: no retry
  BOOST_CHECK_EQUAL(script.seen.size(), 1u);
}

BOOST_AUTO_TEST_CASE(a_continue_token_that_comes_back_ends_the_list) {
  auto c = Make({});
  for (int i = 0; i < 5; ++i) {
    script.responses.push_back(Resp(200, R"({"metadata":{"continue":"again"},"items":[{"metadata":{"name":"a"}}]})"));
  }
  int items = 0;
  auto r = c->List("/api/v1/pods", {}, [&](boost::json::object&) {
    ++items;
    return Status::Ok();
  });
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.status().message().find("same continue token twice") != std::string::npos);
  BOOST_CHECK_EQUAL(script.seen.size(), 2u);
}

BOOST_AUTO_TEST_CASE(a_list_that_never_ends_is_cut) {
  auto c = Make({});
  for (int i = 0; i <= 10000; ++i) {
    script.responses.push_back(Resp(200, R"({"metadata":{"continue":"t)" + std::to_string(i) + R"("},"items":[]})"));
  }
  auto r = c->List("/api/v1/pods", {}, [&](boost::json::object&) { return Status::Ok(); });
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.status().message().find("still more after 10000 pages") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_list_of_chosen_fields_of_a_core_kind_asks_for_protobuf_and_reads_either_answer) {
  auto c = Make({});
  const std::string pb = TestdataFile("protobuf/nodes.pb");
  // An expired continue token in protobuf (a Status, as the server sends
  // errors in the encoding the request accepted): the list starts over.
  const std::string expired = std::string("k8s\0", 4) + "\x0a\x0c\x0a\x02v1\x12\x06Status" + "\x12\x0f" +
                              "\x22\x07Expired" + "\x1a\x04gone";
  script.responses = {Resp(200, R"({"metadata":{"continue":"c1"},"items":[{"metadata":{"name":"json-0"}}]})"),
                      Resp(410, expired), Resp(200, pb)};
  const FieldMask names = FieldMask::Of({"metadata.name"});
  std::vector<std::string> got;
  auto rv = c->List("/api/v1/nodes", {.fields = &names}, [&](boost::json::object& o) {
    got.emplace_back(o.at("metadata").at("name").as_string());
    return Status::Ok();
  });
  BOOST_REQUIRE_MESSAGE(rv.ok(), rv.status().message());
  BOOST_REQUIRE_EQUAL(script.seen.size(), 3u);
  BOOST_CHECK_EQUAL(HeaderOf(script.seen[0], "Accept"), "application/vnd.kubernetes.protobuf, application/json");
  BOOST_CHECK_EQUAL(script.seen[2].target, "/api/v1/nodes?limit=500");  // started over
  BOOST_REQUIRE_EQUAL(got.size(), 9u);  // json-0, then the 8 captured nodes
  BOOST_CHECK_EQUAL(got[0], "json-0");
  BOOST_CHECK_EQUAL(got[1], "cpu-0");
  BOOST_CHECK_EQUAL(*rv, "342");

  // Whole objects, a mask no schema covers, or a kind without a schema: JSON.
  const FieldMask all_metadata = FieldMask::Of({"metadata"});
  for (auto [path, mask] : {std::pair{"/api/v1/nodes", static_cast<const FieldMask*>(nullptr)},
                            std::pair{"/api/v1/nodes", &all_metadata}, std::pair{"/api/v1/services", &names}}) {
    script.seen.clear();
    script.responses = {Resp(200, R"({"metadata":{},"items":[]})")};
    BOOST_REQUIRE(c->List(path, {.fields = mask}, [](boost::json::object&) { return Status::Ok(); }).ok());
    BOOST_CHECK_EQUAL(HeaderOf(script.seen.at(0), "Accept"), "application/json");
  }
}

BOOST_AUTO_TEST_CASE(server_warnings_printed_once_each) {
  auto c = Make({});
  Headers h = {{"Warning", "299 - \"v1 ComponentStatus is deprecated\""}};
  script.responses = {Resp(200, "{}", h), Resp(200, "{}", h)};
  BOOST_REQUIRE(c->Get("/a").ok());
  BOOST_REQUIRE(c->Get("/a").ok());
  BOOST_CHECK_EQUAL(log_out.str(), "Warning: v1 ComponentStatus is deprecated\n");
}

BOOST_AUTO_TEST_CASE(verbose_log_never_shows_token_or_secret_data) {
  logger = Logger(10, &log_out);
  ClientConfig cc;
  cc.token = "sekret-token-value";
  auto c = Make(cc);
  script.responses = {Resp(200, R"({"kind":"Secret","data":{"HF_TOKEN":"aGZfc2VrcmV0"}})")};
  boost::json::value secret = {{"apiVersion", "v1"}, {"kind", "Secret"}, {"stringData", {{"token", "hf_sekret"}}}};
  BOOST_REQUIRE(c->Apply("/api/v1/namespaces/d/secrets/s", secret, "kubectl-lm", false, DryRun::kNone).ok());
  std::string log = log_out.str();
  BOOST_CHECK(log.find("PATCH https://127.0.0.1:6443/api/v1/namespaces/d/secrets/s") != std::string::npos);
  BOOST_CHECK(log.find("Authorization: Bearer <masked>") != std::string::npos);
  BOOST_CHECK(log.find("sekret") == std::string::npos);
  BOOST_CHECK(log.find("aGZfc2VrcmV0") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(service_proxy_path) {
  BOOST_CHECK_EQUAL(Client::ServiceProxyPath("ml", "phi", "http", "/v1/chat/completions"),
                    "/api/v1/namespaces/ml/services/phi:http/proxy/v1/chat/completions");
}

BOOST_AUTO_TEST_SUITE_END()

// The environment's part of the transport, shared by the API client and the
// Hugging Face Hub check: Go's names, an empty upper-case proxy variable
// falling back to the lower-case one.
BOOST_AUTO_TEST_CASE(transport_environment_is_read_as_go_reads_it) {
  kube::TransportOptions t;
  ReadTransportEnvironment(EnvOf({{"HTTPS_PROXY", ""}, {"https_proxy", "http://proxy:3128"}, {"no_proxy", ".internal"},
                                  {"SSL_CERT_FILE", "/roots.pem"}, {"SSL_CERT_DIR", "/a:/b"}}),
                           t);
  BOOST_CHECK_EQUAL(t.https_proxy_env, "http://proxy:3128");
  BOOST_CHECK_EQUAL(t.no_proxy_env, ".internal");
  BOOST_CHECK_EQUAL(t.ssl_cert_file, "/roots.pem");
  BOOST_CHECK_EQUAL(t.ssl_cert_dir, "/a:/b");
  kube::TransportOptions upper;
  ReadTransportEnvironment(EnvOf({{"HTTPS_PROXY", "http://upper:1"}, {"https_proxy", "http://lower:2"}}), upper);
  BOOST_CHECK_EQUAL(upper.https_proxy_env, "http://upper:1");
}

// The real disk: files that are not regular, or too large, are refused
// before they are opened (a FIFO would block, /dev/zero never ends).
BOOST_AUTO_TEST_SUITE(real_filesystem)

BOOST_AUTO_TEST_CASE(a_fifo_a_directory_and_a_device_are_refused_at_once) {
  std::string dir = (std::filesystem::temp_directory_path() / ("lm-fs-test-" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(dir);
  std::vector<std::string> paths = {dir};
#ifndef _WIN32  // Windows has neither FIFOs in the file system nor /dev/zero
  std::string fifo = dir + "/fifo";
  BOOST_REQUIRE_EQUAL(::mkfifo(fifo.c_str(), 0600), 0);
  paths.push_back(fifo);
  paths.push_back("/dev/zero");
#endif
  kube::RealFileSystem fs;
  for (const std::string& path : paths) {
    auto r = fs.Read(path);
    BOOST_TEST_CONTEXT(path) {
      BOOST_REQUIRE(!r.ok());
      BOOST_CHECK(r.status().message().find("not a regular file") != std::string::npos);
    }
  }
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_token_file_that_is_a_directory_is_an_error_not_an_anonymous_request) {
  std::string dir = std::filesystem::temp_directory_path().string();
  Script script;
  kube::RealFileSystem fs;
  ClientConfig cc;
  cc.server = "https://127.0.0.1:6443";
  cc.token_file = dir;
  ClientDeps d;
  d.transport = [&](const TransportOptions&) { return std::make_unique<FakeTransport>(&script); };
  d.fs = &fs;
  Client c(cc, ClientOptions{}, d);
  auto r = c.Get("/version");
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK_EQUAL(r.status().kind(), Kind::kCredential);
  BOOST_CHECK(script.seen.empty());
}

BOOST_AUTO_TEST_SUITE_END()

// client-go's TestFullImpersonateConfig (tools/clientcmd/client_config_test.go
// at v0.36.3): user, uid, groups and extras from the kubeconfig, as headers.
BOOST_FIXTURE_TEST_SUITE(impersonation, Fixture)

BOOST_AUTO_TEST_CASE(every_impersonation_field_is_sent) {
  MemoryFileSystem files;
  files.Add("/k", R"(
current-context: clean
clusters: [{name: clean, cluster: {server: "https://localhost:8443"}}]
users: [{name: clean, user: {as: alice, as-uid: abc123, as-groups: [group-1], as-user-extra: {some-key: [some-value], "a/b": [x, y]}}}]
contexts: [{name: clean, context: {cluster: clean, user: clean}}]
)");
  auto env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto config = Load({"/k"}, files, env);
  BOOST_REQUIRE(config.ok());
  auto cc = Select(*config, {}, files, env);
  BOOST_REQUIRE(cc.ok());
  auto c = Make(*cc);
  script.responses = {Resp(200, "{}")};
  BOOST_REQUIRE(c->Get("/version").ok());
  const auto& h = script.seen[0].headers;
  auto has = [&](const std::string& k, const std::string& v) {
    return std::find(h.begin(), h.end(), std::make_pair(k, v)) != h.end();
  };
  BOOST_CHECK(has("Impersonate-User", "alice"));
  BOOST_CHECK(has("Impersonate-Uid", "abc123"));
  BOOST_CHECK(has("Impersonate-Group", "group-1"));
  BOOST_CHECK(has("Impersonate-Extra-some-key", "some-value"));
  BOOST_CHECK(has("Impersonate-Extra-a%2Fb", "x"));
  BOOST_CHECK(has("Impersonate-Extra-a%2Fb", "y"));
}

BOOST_AUTO_TEST_SUITE_END()
