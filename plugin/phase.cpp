#include "plugin/phase.h"

#include <algorithm>

#include <boost/json.hpp>

#include "kube/json_fields.h"

namespace lm {
namespace json = boost::json;
namespace {

using kube::ArrField;
using kube::IntField;
using kube::ObjField;
using kube::StrField;
const auto& Obj = ObjField;
const auto& Arr = ArrField;
const auto& Str = StrField;
const auto& Int = IntField;

// Worst first: the phase shown for several pods is the worst of theirs.
int Severity(const std::string& phase) {
  static const char* order[] = {"OOMKilled", "CrashLoopBackOff", "ImagePullBackOff", "Pending",
                                "Pulling",   "Starting",         "Loading",          "Ready"};
  for (int i = 0; i < 8; ++i) {
    if (phase == order[i]) return i;
  }
  return 8;
}

// The newest event of `reason` about pod `name`, or "".
std::string EventMessage(const std::vector<json::object>& events, const std::string& pod, const std::string& reason) {
  std::string message, newest;
  for (const auto& e : events) {
    if (Str(Obj(&e, "involvedObject"), "name") != pod || Str(&e, "reason") != reason) continue;
    std::string when = Str(&e, "lastTimestamp");
    if (when.empty()) when = Str(&e, "eventTime");
    if (message.empty() || when >= newest) {
      message = Str(&e, "message");
      newest = when;
    }
  }
  return message;
}

// What a pod's containers say: the last waiting reason, whether one runs,
// the last termination reason.
struct Containers {
  std::string waiting, waiting_message, last_terminated;
  bool running = false;
  long long restarts = 0;
};

Containers ReadContainers(const json::object* status) {
  Containers c;
  if (auto* cs = Arr(status, "containerStatuses")) {
    for (const auto& v : *cs) {
      const json::object* co = v.if_object();
      c.restarts += Int(co, "restartCount");
      const json::object* state = Obj(co, "state");
      if (auto* w = Obj(state, "waiting")) {
        c.waiting = Str(w, "reason");
        c.waiting_message = Str(w, "message");
      }
      if (Obj(state, "running")) c.running = true;
      if (auto* t = Obj(Obj(co, "lastState"), "terminated")) c.last_terminated = Str(t, "reason");
      if (auto* t = Obj(state, "terminated")) c.last_terminated = Str(t, "reason");
    }
  }
  return c;
}

// The phase of a scheduled pod that is not Ready, worst first.
void PhaseOfStarted(PodState& s, const Containers& c, const std::vector<json::object>& events) {
  if (c.last_terminated == "OOMKilled" && !c.running) {
    s.phase = "OOMKilled";
    s.reason = "the server ran out of host memory (OOMKilled) and restarted " + std::to_string(s.restarts) +
               " time(s)";
  } else if (c.waiting == "ImagePullBackOff" || c.waiting == "ErrImagePull" || c.waiting == "InvalidImageName" ||
             c.waiting == "ErrImageNeverPull") {
    s.phase = "ImagePullBackOff";
    s.reason = c.waiting_message.empty() ? EventMessage(events, s.name, "Failed") : c.waiting_message;
    if (s.reason.empty()) s.reason = c.waiting;
  } else if (c.waiting == "CrashLoopBackOff") {
    s.phase = "CrashLoopBackOff";
    s.reason = "the server exits (restarted " + std::to_string(s.restarts) + " time(s))" +
               (c.last_terminated.empty() ? "" : ", last: " + c.last_terminated);
  } else if (c.running) {
    s.phase = "Loading";
    s.reason = "the server is up but not yet healthy: downloading or loading weights";
  } else if (!EventMessage(events, s.name, "Pulling").empty() && EventMessage(events, s.name, "Pulled").empty()) {
    s.phase = "Pulling";
    s.reason = EventMessage(events, s.name, "Pulling");
  } else {
    s.phase = "Starting";
    s.reason = c.waiting.empty() ? "the pod is starting" : c.waiting;
  }
}

PodState StateOf(const json::object& pod, const std::vector<json::object>& events) {
  PodState s;
  const json::object* status = Obj(&pod, "status");
  s.name = Str(Obj(&pod, "metadata"), "name");
  s.node = Str(Obj(&pod, "spec"), "nodeName");
  bool scheduled = !s.node.empty();
  std::string unschedulable;
  if (auto* conds = Arr(status, "conditions")) {
    for (const auto& c : *conds) {
      const json::object* co = c.if_object();
      std::string type = Str(co, "type"), st = Str(co, "status");
      if (type == "Ready") s.ready = st == "True";
      if (type == "PodScheduled" && st == "False") {
        scheduled = false;
        unschedulable = Str(co, "message");
      }
    }
  }
  if (!scheduled) {
    s.phase = "Pending";
    s.reason = unschedulable.empty() ? EventMessage(events, s.name, "FailedScheduling") : unschedulable;
    if (s.reason.empty()) s.reason = "waiting for the scheduler";
    return s;
  }
  Containers c = ReadContainers(status);
  s.restarts = c.restarts;
  if (s.ready) {
    s.phase = "Ready";
    return s;
  }
  PhaseOfStarted(s, c, events);
  return s;
}

}  // namespace

Phase DerivePhase(const json::object& deployment, const std::vector<json::object>& pods,
                  const std::vector<json::object>& events) {
  Phase p;
  p.replicas = static_cast<int>(Int(Obj(&deployment, "spec"), "replicas"));
  for (const auto& pod : pods) {
    // A pod being deleted (an update, or a scale-down) says nothing of the future.
    if (Obj(&pod, "metadata") && Obj(&pod, "metadata")->if_contains("deletionTimestamp")) continue;
    p.pods.push_back(StateOf(pod, events));
    if (p.pods.back().ready) ++p.ready_replicas;
  }
  std::sort(p.pods.begin(), p.pods.end(), [](const PodState& a, const PodState& b) { return a.name < b.name; });
  if (p.replicas == 0) {
    p.phase = "ScaledDown";
    p.reason = "replicas is 0";
    return p;
  }
  if (p.ready_replicas >= p.replicas) {
    p.phase = "Ready";
    return p;
  }
  const PodState* worst = nullptr;
  for (const auto& s : p.pods) {
    if (!s.ready && (!worst || Severity(s.phase) < Severity(worst->phase))) worst = &s;
  }
  if (worst) {
    p.phase = worst->phase;
    p.reason = worst->reason;
    return p;
  }
  // Fewer pods than wanted and all of them Ready: the controller has yet to
  // create the rest, or cannot (quota): its condition says which.
  p.phase = "Pending";
  p.reason = "waiting for the Deployment's pods to be created";
  if (auto* conds = Arr(Obj(&deployment, "status"), "conditions")) {
    for (const auto& c : *conds) {
      const json::object* co = c.if_object();
      if (Str(co, "type") == "ReplicaFailure" && Str(co, "status") == "True") p.reason = Str(co, "message");
    }
  }
  return p;
}

}  // namespace lm
