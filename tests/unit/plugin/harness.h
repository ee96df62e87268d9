// Runs whole commands in a unit test: the Deps seam filled with string
// streams, an in-memory kubeconfig, a fake clock that only sleeping moves,
// and a scripted API server behind kube::Transport.
//
// The script is not a fake cluster: it knows nothing of Kubernetes beyond
// the routes a test gives it. It proves what requests a command sends, in
// which order, and what it does with each answer; that the requests are
// right for a real API server is proven by tests/e2e against one.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "kube/transport.h"
#include "plugin/app.h"

namespace harness {

using Handler = std::function<kube::Result<kube::HttpResponse>(const kube::HttpRequest&)>;

class ScriptedApi {
 public:
  // Answers "METHOD PATH" (PATH without its query; a trailing '*' matches any
  // path with that prefix) `times` times, or always when times < 0. Routes
  // added later are tried first, so a test can override one answer.
  void On(const std::string& method, const std::string& path, Handler handler, int times = -1);
  void On(const std::string& method, const std::string& path, int status, std::string body, int times = -1);
  // A JSON body.
  void On(const std::string& method, const std::string& path, int status, const boost::json::value& body,
          int times = -1);

  // "METHOD TARGET" of every request, in order; Writes() leaves out GETs.
  // A request forwarded to a pod is "METHOD pod/NAME:PORT/PATH".
  std::vector<std::string> Calls() const;
  std::vector<std::string> Writes() const;
  const std::vector<kube::HttpRequest>& requests() const { return requests_; }
  // The body of the n-th write, parsed.
  boost::json::value WriteBody(size_t n) const;

  kube::TransportFactory Factory();

 private:
  friend class Transport;
  struct Route {
    std::string method, path;
    Handler handler;
    int times;
  };
  kube::Result<kube::HttpResponse> Answer(const kube::HttpRequest& req, const kube::ChunkSink* sink);

  std::vector<Route> routes_;
  std::vector<kube::HttpRequest> requests_;
};

// A metav1.Status body of `code` and `reason`, as the API server sends one.
std::string StatusBody(int code, const std::string& reason, const std::string& message);
// A List of `items`, with no continue token.
boost::json::value ListOf(const boost::json::array& items);
// Reads tests/testdata/FILE.
boost::json::value Testdata(const std::string& file);

struct Harness {
  ScriptedApi api;
  // The Hugging Face Hub, at https://huggingface.co or $HF_ENDPOINT: by
  // default every repo exists, ungated, without sizes.
  ScriptedApi hub;
  kube::MemoryFileSystem fs;
  std::map<std::string, std::string> env{{"HOME", "/home/u"}};
  std::istringstream in;
  std::ostringstream out, err;
  std::chrono::system_clock::time_point now;  // moved only by sleeping
  std::vector<std::chrono::milliseconds> slept;
  bool stdin_is_terminal = false;
  // An interrupt comes before the executor's step number N (from 0); -1: none.
  int interrupt_before_step = -1;
  std::vector<std::string> left_behind;  // what each step said would be left

  // A kubeconfig at ~/.kube/config: server https://127.0.0.1:6443, a token
  // user, namespace "ml".
  Harness();
  int Run(const std::vector<std::string>& args);
  lm::Deps MakeDeps();
};

// The nodes of the e2e cluster (captured), and no pods: every GPU free.
void ServeIdleCluster(ScriptedApi& api);
// fx-pend's scheduled pod, as captured (tests/testdata/pods-pending.json):
// Ready, on gpu-a100-0.
boost::json::object ScheduledPod();
// fx-pend (captured) with one replica wanted, and `pod` as its only pod
// (ScheduledPod(): the deployment is Ready); no events.
void ServeOneReplica(ScriptedApi& api, const boost::json::object& pod = ScheduledPod());

// Every SelfSubjectAccessReview answered `allowed`.
void AllowEverything(ScriptedApi& api, bool allowed = true);

}  // namespace harness
