// Gathering the state of kubectl-lm's deployments, shared by status, deploy
// --wait and delete.
#pragma once

#include <chrono>
#include <memory>
#include <utility>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "kube/client.h"
#include "kube/status.h"
#include "plugin/endpoint.h"
#include "plugin/phase.h"
#include "plugin/probe.h"
#include "plugin/timeline.h"

namespace lm {

struct App;

struct DeploymentStatus {
  std::string name, namespace_, model, repo;
  std::string endpoint;          // in-cluster URL of the OpenAI API
  std::string created;           // RFC 3339
  std::string plan;              // the plan deploy recorded
  std::string labelled_nodes;    // as deploy recorded them
  std::string cache;             // the pulled model cache it mounts, or ""
  std::vector<std::string> served;  // the names /v1/models lists: the model's, then its LoRA adapters' 
  std::optional<ApiKeyRef> api_key;  // the key its endpoint requires; nullopt = open to the cluster's network
  long long gpus = 0;            // GPUs the pods ask for, in all
  std::vector<std::string> nodes;  // where its pods run
  Phase phase;
  // The last lines the crashed server wrote, when a pod crash-loops or was
  // OOMKilled (filled for one NAME only).
  std::vector<std::string> last_log;
  // Whether the server answered a completion, when it was asked (Ready
  // pods only): if not, the phase is Unhealthy with the reason.
  std::optional<ProbeResult> probe;
  // How the start of one of its pods went (status NAME, deploy --wait).
  std::optional<Timeline> timeline;
  // What the timeline is read from, kept when events were asked for.
  std::vector<boost::json::object> pod_objects, events;
};

// The Deployments that kubectl lm deploy made in `ns` ("" = every
// namespace), or only `name`; with their pods, and the pods' events when
// `with_events`. An empty result is not an error.
kube::Result<std::vector<DeploymentStatus>> GatherStatus(kube::Client& client, const std::string& ns,
                                                        const std::string& name, bool with_events);

// Reads the start of `d`'s least advanced pod: its events, and its server's
// log (GET .../log?timestamps=true, its first 256 KiB, where vLLM's start
// is). A starting server's phase reason becomes its running step.
void AddTimeline(App& app, kube::Client& client, DeploymentStatus& d);

// Asks each deployment whose pods are all Ready for one completion
// (ProbeServer), each bounded by ProbeBound; one that does not answer
// becomes Unhealthy, with the reason. `bounded` is the client the probes
// use: made on first need, and kept by the caller for its next polls.
void ProbeReady(App& app, std::vector<DeploymentStatus>& items, std::unique_ptr<kube::Client>& bounded);

// Polls until the deployment is Ready and answers (OK), fails (ImagePullBackOff,
// CrashLoopBackOff, OOMKilled: an error with the reason), or `timeout`
// passes (an error with the last reason). Prints each new phase on stderr.
kube::Status WaitForReady(App& app, kube::Client& client, const std::string& ns, const std::string& name,
                          std::chrono::seconds timeout);

// The names a Deployment kubectl lm deploy made serves: --served-model-name
// and each --lora-modules NAME=SOURCE of its server's command line.
std::vector<std::string> ServedModels(const boost::json::object& deployment);

// What one replica of a Deployment kubectl lm deploy made asks for: its GPU
// resource (nvidia.com/gpu or a MIG slice) and how many, summed over its
// containers; {"", 0} when none.
std::pair<std::string, long long> ReplicaGpus(const boost::json::object& deployment);

// "5m", "3h", "2d": kubectl's age format.
std::string Age(const std::string& rfc3339, std::chrono::system_clock::time_point now);

}  // namespace lm
