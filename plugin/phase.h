// Where a model deployment stands, derived from its Deployment, its pods and
// their events. Pure. Never "Ready" unless every wanted pod is Ready.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace lm {

struct PodState {
  std::string name, node;
  std::string phase;     // as Phase below, for this one pod
  std::string reason;    // why, in the cluster's own words
  bool ready = false;
  long long restarts = 0;
};

struct Phase {
  // Pending, Pulling, Starting, ImagePullBackOff, CrashLoopBackOff,
  // OOMKilled, Loading, Ready, ScaledDown; and Unhealthy, when the pods
  // are Ready but the server did not answer a probe (status, deploy --wait).
  std::string phase;
  std::string reason;
  int ready_replicas = 0;
  int replicas = 0;
  std::vector<PodState> pods;
};

// `events` are the Events of the pods (for FailedScheduling and Pulling);
// `deployment` the Deployment; `pods` its pods.
Phase DerivePhase(const boost::json::object& deployment, const std::vector<boost::json::object>& pods,
                  const std::vector<boost::json::object>& events);

}  // namespace lm
