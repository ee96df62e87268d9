#include "harness.h"
#include "testdata.h"

#include <fstream>

namespace harness {
namespace json = boost::json;

class Transport : public kube::Transport {
 public:
  explicit Transport(ScriptedApi* api) : api_(api) {}
  kube::Result<kube::HttpResponse> RoundTrip(const kube::HttpRequest& req, const kube::ChunkSink* sink) override {
    return api_->Answer(req, sink);
  }
  // The upgrade is answered by its route (101 opens the forward); then the
  // request to the pod by the route of "METHOD pod/NAME:PORT/PATH", its
  // target recorded so too.
  kube::Result<Forwarded> Forward(const kube::HttpRequest& upgrade, uint16_t port, const kube::HttpRequest& request,
                                  const kube::ChunkSink* sink) override {
    Forwarded f;
    auto u = api_->Answer(upgrade, nullptr);
    if (!u.ok()) return u.status();
    f.upgrade = *u;
    if (f.upgrade.status != 101) return f;
    std::string path = upgrade.target.substr(0, upgrade.target.find('?'));
    path = path.substr(0, path.rfind('/'));
    kube::HttpRequest inner = request;
    inner.target = "pod/" + path.substr(path.rfind('/') + 1) + ":" + std::to_string(port) + request.target;
    auto a = api_->Answer(inner, sink);
    if (!a.ok()) return a.status();
    f.answer = *a;
    return f;
  }

 private:
  ScriptedApi* api_;
};

void ScriptedApi::On(const std::string& method, const std::string& path, Handler handler, int times) {
  routes_.push_back({method, path, std::move(handler), times});
}

void ScriptedApi::On(const std::string& method, const std::string& path, int status, std::string body, int times) {
  On(method, path, [status, body](const kube::HttpRequest&) -> kube::Result<kube::HttpResponse> {
    kube::HttpResponse r;
    r.status = status;
    r.body = body;
    return r;
  }, times);
}

void ScriptedApi::On(const std::string& method, const std::string& path, int status, const json::value& body,
                     int times) {
  On(method, path, status, json::serialize(body), times);
}

kube::Result<kube::HttpResponse> ScriptedApi::Answer(const kube::HttpRequest& req, const kube::ChunkSink* sink) {
  requests_.push_back(req);
  std::string path = req.target.substr(0, req.target.find('?'));
  for (auto it = routes_.rbegin(); it != routes_.rend(); ++it) {
    if (it->method != req.method || it->times == 0) continue;
    bool prefix = !it->path.empty() && it->path.back() == '*';
    bool match = prefix ? path.rfind(it->path.substr(0, it->path.size() - 1), 0) == 0 : path == it->path;
    if (!match) continue;
    if (it->times > 0) --it->times;
    auto r = it->handler(req);
    if (r.ok() && sink && r->status / 100 == 2) {
      // In small pieces, as a network delivers a body.
      for (size_t i = 0; i < r->body.size(); i += 5) {
        if (!(*sink)(std::string_view(r->body).substr(i, 5))) break;
      }
      r->body.clear();
    }
    return r;
  }
  kube::HttpResponse r;
  r.status = 404;
  r.body = StatusBody(404, "NotFound", "the server could not find the requested resource");
  return r;
}

std::vector<std::string> ScriptedApi::Calls() const {
  std::vector<std::string> calls;
  for (const auto& r : requests_) calls.push_back(r.method + " " + r.target);
  return calls;
}

std::vector<std::string> ScriptedApi::Writes() const {
  std::vector<std::string> calls;
  for (const auto& r : requests_) {
    if (r.method != "GET") calls.push_back(r.method + " " + r.target);
  }
  return calls;
}

json::value ScriptedApi::WriteBody(size_t n) const {
  for (const auto& r : requests_) {
    if (r.method == "GET") continue;
    if (n-- == 0) return json::parse(r.body);
  }
  return nullptr;
}

kube::TransportFactory ScriptedApi::Factory() {
  return [this](const kube::TransportOptions&) { return std::make_unique<Transport>(this); };
}

std::string StatusBody(int code, const std::string& reason, const std::string& message) {
  return json::serialize(json::object{{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"},
                                      {"message", message}, {"reason", reason}, {"code", code}});
}

json::value ListOf(const json::array& items) {
  return json::object{{"kind", "List"}, {"apiVersion", "v1"}, {"metadata", {{"resourceVersion", "1"}}},
                      {"items", items}};
}

json::value Testdata(const std::string& file) {
  std::ifstream in(TestdataDir() + "/" + file);
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

Harness::Harness() : now(std::chrono::sys_days{std::chrono::year{2026} / 11 / 28} + std::chrono::hours(12)) {
  hub.On("GET", "/api/models/*", 200, json::value(json::object{{"gated", false}}));
  fs.Add("/home/u/.kube/config", R"(apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:6443
users:
- name: alice
  user:
    token: secret-token-never-printed
contexts:
- name: test
  context: {cluster: test, user: alice, namespace: ml}
current-context: test
)");
}

lm::Deps Harness::MakeDeps() {
  lm::Deps d;
  d.in = &in;
  d.out = &out;
  d.err = &err;
  d.fs = &fs;
  d.runner = nullptr;  // no exec plugin in the harness's kubeconfig
  d.env = [this](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  d.environment = [] { return std::vector<std::string>{}; };
  d.transport = [this](const kube::TransportOptions& o) {
    auto endpoint = env.find("HF_ENDPOINT");
    bool to_hub = o.server == (endpoint == env.end() ? std::string("https://huggingface.co") : endpoint->second);
    return (to_hub ? hub : api).Factory()(o);
  };
  d.clock = [this] { return now; };
  d.sleep = [this](std::chrono::milliseconds m) {
    slept.push_back(m);
    now += m;
  };
  d.stdin_is_terminal = stdin_is_terminal;
  d.catch_interrupts = [this]() -> std::unique_ptr<lm::Interrupts> {
    struct Fake : lm::Interrupts {
      Harness* h;
      int asked = 0;
      explicit Fake(Harness* harness) : h(harness) {}
      bool Requested() override { return h->interrupt_before_step >= 0 && asked++ >= h->interrupt_before_step; }
      void SetLeftBehind(const std::string& text) override { h->left_behind.push_back(text); }
    };
    return std::make_unique<Fake>(this);
  };
  return d;
}

int Harness::Run(const std::vector<std::string>& args) {
  lm::Deps d = MakeDeps();
  return lm::Run(args, d);
}

json::object ScheduledPod() {
  const json::value pending = Testdata("pods-pending.json");
  for (const auto& p : pending.at("items").as_array()) {
    if (p.at("spec").as_object().contains("nodeName")) return p.as_object();
  }
  throw std::runtime_error("pods-pending.json has no scheduled pod");
}

void ServeOneReplica(ScriptedApi& api, const json::object& pod) {
  json::value d = Testdata("deployment-pending.json");
  d.at("spec").as_object()["replicas"] = 1;
  api.On("GET", "/apis/apps/v1/namespaces/ml/deployments", 200, ListOf({d}));
  api.On("GET", "/api/v1/namespaces/ml/pods", 200, ListOf({pod}));
  api.On("GET", "/api/v1/namespaces/ml/events", 200, ListOf({}));
}

void ServeIdleCluster(ScriptedApi& api) {
  const json::value nodes = Testdata("nodes.json");
  api.On("GET", "/api/v1/nodes", 200, nodes);
  api.On("GET", "/api/v1/pods", 200, ListOf({}));
  for (const auto& n : nodes.at("items").as_array()) {
    std::string name(n.at("metadata").at("name").as_string());
    api.On("GET", "/api/v1/nodes/" + name, 200, n);
  }
}

void AllowEverything(ScriptedApi& api, bool allowed) {
  api.On("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", 201,
         json::object{{"kind", "SelfSubjectAccessReview"}, {"status", {{"allowed", allowed}}}});
}

}  // namespace harness
