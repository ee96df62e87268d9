// kubectl lm status [NAME] [-A] [-o wide|json|yaml] [--watch]
#include <cstdio>
#include <map>
#include <sstream>

#include <boost/json.hpp>

#include "kube/exec_credential.h"
#include "kube/json_fields.h"
#include "kube/quantity.h"
#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/ownership.h"
#include "plugin/printers.h"
#include "plugin/views.h"
#include "plugin/deployment_status.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

namespace {

const auto& Obj = kube::ObjField;
const auto& Str = kube::StrField;

// How often --wait and --watch look again: kubectl rollout status's pace,
// cheap for the API server (three LISTs), quick enough for a person.
constexpr std::chrono::seconds kPollPeriod{2};

// For a server that crashes, its own last words say why better than any
// condition: the previous container's log, last lines.
void AddLastLog(kube::Client& client, DeploymentStatus& d) {
  for (const auto& p : d.phase.pods) {
    if (p.phase != "CrashLoopBackOff" && p.phase != "OOMKilled") continue;
    auto r = client.Do("GET", "/api/v1/namespaces/" + d.namespace_ + "/pods/" + p.name +
                                  "/log?container=server&previous=true&tailLines=10", "", "");
    if (!r.ok()) return;  // no log to show is not an error of status
    std::istringstream in(r->body);
    for (std::string line; std::getline(in, line);) d.last_log.push_back(line);
    return;
  }
}

}  // namespace

std::vector<std::string> ServedModels(const json::object& deployment) {
  std::vector<std::string> served;
  const json::object* spec = Obj(Obj(Obj(&deployment, "spec"), "template"), "spec");
  const json::value* cs = spec ? spec->if_contains("containers") : nullptr;
  if (!cs || !cs->is_array() || cs->as_array().empty()) return served;
  const json::value* args = cs->as_array()[0].is_object() ? cs->as_array()[0].as_object().if_contains("args") : nullptr;
  if (!args || !args->is_array()) return served;
  bool lora = false;
  std::string previous;
  for (const auto& a : args->as_array()) {
    if (!a.is_string()) continue;
    const std::string arg(a.as_string());
    if (previous == "--served-model-name") served.push_back(arg);
    if (arg.rfind("--", 0) == 0) lora = arg == "--lora-modules";
    else if (lora) served.push_back(arg.substr(0, arg.find('=')));
    previous = arg;
  }
  return served;
}

std::pair<std::string, long long> ReplicaGpus(const json::object& deployment) {
  std::pair<std::string, long long> gpus{"", 0};
  const json::object* spec = Obj(Obj(Obj(&deployment, "spec"), "template"), "spec");
  const json::value* cs = spec ? spec->if_contains("containers") : nullptr;
  if (!cs || !cs->is_array()) return gpus;
  for (const auto& c : cs->as_array()) {
    const json::object* limits = Obj(Obj(c.if_object(), "resources"), "limits");
    if (!limits) continue;
    for (const auto& [k, v] : *limits) {
      const std::string key(k);
      if ((key != "nvidia.com/gpu" && key.rfind("nvidia.com/mig-", 0) != 0) || !v.is_string()) continue;
      auto q = kube::Quantity::Parse(std::string(v.as_string()));
      if (!q.ok()) continue;
      if (gpus.first.empty()) gpus.first = key;
      gpus.second += q->Value();
    }
  }
  return gpus;
}

kube::Result<std::vector<DeploymentStatus>> GatherStatus(kube::Client& client, const std::string& ns,
                                                        const std::string& name, bool with_events) {
  std::string scope = ns.empty() ? "" : "/namespaces/" + ns;
  kube::ListOptions managed;
  managed.label_selector = name.empty() ? own::ManagedSelector() : own::DeploymentSelector(name);
  std::vector<json::object> deployments;
  auto r = client.List("/apis/apps/v1" + scope + "/deployments", managed, [&](json::object& d) {
    deployments.push_back(std::move(d));
    return Status::Ok();
  });
  if (!r.ok()) return r.status().WithContext("list deployments");
  // ns/name -> pods
  std::map<std::string, std::vector<json::object>> pods;
  std::vector<json::object> events;
  if (!deployments.empty()) {
    r = client.List("/api/v1" + scope + "/pods", managed, [&](json::object& p) {
      const json::object* md = Obj(&p, "metadata");
      pods[Str(md, "namespace") + "/" + Str(Obj(md, "labels"), own::kDeploymentKey)].push_back(std::move(p));
      return Status::Ok();
    });
    if (!r.ok()) return r.status().WithContext("list pods");
    if (with_events) {
      kube::ListOptions ev;
      ev.field_selector = "involvedObject.kind=Pod";
      r = client.List("/api/v1" + scope + "/events", ev, [&](json::object& e) {
        if (Str(Obj(&e, "involvedObject"), "name").rfind(name + "-", 0) == 0) events.push_back(std::move(e));
        return Status::Ok();
      });
      // Events help explain; without the right to read them, explain less.
      if (!r.ok() && r.status().kind() != Kind::kForbidden) return r.status().WithContext("list events");
    }
  }
  std::vector<DeploymentStatus> out;
  for (const auto& d : deployments) {
    const json::object* md = Obj(&d, "metadata");
    DeploymentStatus s;
    s.name = Str(md, "name");
    s.namespace_ = Str(md, "namespace");
    s.model = Str(Obj(md, "labels"), own::kModelKey);
    s.repo = Str(Obj(md, "annotations"), "kubectl-lm.io/model-repo");
    s.plan = Str(Obj(md, "annotations"), "kubectl-lm.io/plan");
    s.cache = Str(Obj(md, "annotations"), "kubectl-lm.io/cache");
    s.served = ServedModels(d);
    s.api_key = ApiKeyOf(d);
    s.labelled_nodes = own::LabelledNodesValue(own::LabelledNodes(d));
    s.created = Str(md, "creationTimestamp");
    s.endpoint = "http://" + s.name + "." + s.namespace_ + ".svc/v1";
    const auto& mine = pods[s.namespace_ + "/" + s.name];
    s.phase = DerivePhase(d, mine, events);
    if (with_events) {
      s.pod_objects = mine;
      for (const auto& e : events) {
        if (Str(Obj(&e, "involvedObject"), "name").rfind(s.name + "-", 0) == 0) s.events.push_back(e);
      }
    }
    for (const auto& p : s.phase.pods) {
      if (!p.node.empty() && std::find(s.nodes.begin(), s.nodes.end(), p.node) == s.nodes.end()) s.nodes.push_back(p.node);
    }
    // GPUs asked for: each replica's limits on GPU resources.
    const long long per_replica = ReplicaGpus(d).second;
    s.gpus = per_replica * s.phase.replicas;
    if (s.phase.phase == "ScaledDown" && per_replica > 0) {
      s.phase.reason = "scaled to 0: its GPUs are free (kubectl lm scale " + s.name + " --replicas 1 starts it again, " +
                       std::to_string(per_replica) + " GPU(s) per replica)";
    }
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

// The first 256 KiB of a log hold vLLM's whole start; a long-running
// server's later lines are requests.
constexpr int kStartupLogBytes = 256 * 1024;

bool ContainerStarted(const json::object& pod) {
  const json::value* cs = Obj(&pod, "status") ? Obj(&pod, "status")->if_contains("containerStatuses") : nullptr;
  if (!cs || !cs->is_array()) return false;
  for (const auto& c : cs->as_array()) {
    const json::object* state = Obj(c.if_object(), "state");
    if (Obj(state, "running") || Obj(state, "terminated") || kube::IntField(c.if_object(), "restartCount") > 0) {
      return true;
    }
  }
  return false;
}

std::string StepPhrase(const TimelineStep& step, const Timeline& t) {
  std::string s = step.name + (step.took ? " for " + ShortDuration(*step.took) : "");
  if (!t.progress.empty()) s += " (" + t.progress + ")";
  return s;
}

}  // namespace

void AddTimeline(App& app, kube::Client& client, DeploymentStatus& d) {
  if (d.pod_objects.empty()) return;
  // The least advanced pod: the one whose phase is the deployment's.
  const json::object* pod = &d.pod_objects.front();
  for (size_t i = 0; i < d.phase.pods.size() && i < d.pod_objects.size(); ++i) {
    if (d.phase.pods[i].phase == d.phase.phase) {
      for (const auto& o : d.pod_objects) {
        if (Str(Obj(&o, "metadata"), "name") == d.phase.pods[i].name) pod = &o;
      }
      break;
    }
  }
  std::optional<gpu::ServerStartup> server;
  if (ContainerStarted(*pod)) {
    auto r = client.Do("GET", "/api/v1/namespaces/" + d.namespace_ + "/pods/" + Str(Obj(pod, "metadata"), "name") +
                                  "/log?container=server&timestamps=true&limitBytes=" +
                                  std::to_string(kStartupLogBytes), "", "");
    if (r.ok()) server = gpu::ReadStartup(gpu::SplitTimestampedLog(r->body));  // no log: the timeline says less
  }
  d.timeline = BuildTimeline(*pod, d.events, server, app.Now());
  const Timeline& t = *d.timeline;
  if (d.phase.phase != "Loading" && d.phase.phase != "Starting") return;
  if (!t.failure.empty()) {
    d.phase.reason = t.failure;
  } else if (!t.steps.empty() && t.steps.back().running) {
    d.phase.reason = StepPhrase(t.steps.back(), t);
  }
}

void ProbeReady(App& app, std::vector<DeploymentStatus>& items, std::unique_ptr<kube::Client>& bounded) {
  const std::chrono::milliseconds bound = ProbeBound(app.global.request_timeout);
  for (DeploymentStatus& d : items) {
    if (d.phase.phase != "Ready") continue;
    if (!bounded) {
      auto c = app.Connect(bound);
      if (!c.ok()) return;  // the same kubeconfig just worked: not reached
      bounded = std::move(*c);
    }
    auto route = RouteTo(*bounded, d.namespace_, d.name, d.api_key);
    if (route.ok()) {
      d.probe = ProbeServer(*bounded, app.deps.clock, bound, *route, d.model);
    } else {
      d.probe = ProbeResult{false, 0, route.status().message()};
    }
    if (!d.probe->answered) {
      d.phase.phase = "Unhealthy";
      d.phase.reason = d.probe->reason;
    }
  }
}

kube::Status WaitForReady(App& app, kube::Client& client, const std::string& ns, const std::string& name,
                          std::chrono::seconds timeout) {
  auto deadline = app.Now() + timeout;
  std::string last;
  std::unique_ptr<kube::Client> probe_client;  // one for every poll
  for (;;) {
    auto st = GatherStatus(client, ns, name, true);
    if (!st.ok()) return st.status();
    if (st->empty()) return Status(Kind::kNotFound, "deployment " + name + " disappeared while waiting");
    // Ready pods are not yet a server that answers: ask it (Unhealthy until it does).
    AddTimeline(app, client, st->front());
    ProbeReady(app, *st, probe_client);
    const Phase& p = st->front().phase;
    std::string line = p.phase + (p.reason.empty() ? "" : ": " + p.reason);
    // A new line when the server moves to another step or shows other
    // progress, not each time the running step's clock ticks.
    const Timeline* t = st->front().timeline ? &*st->front().timeline : nullptr;
    const std::string key = t && !t->steps.empty() && t->steps.back().running
                                ? p.phase + "|" + t->steps.back().name + "|" + t->progress
                                : line;
    if (key != last) {
      app.err << name << ": " << line << "\n";
      last = key;
    }
    if (p.phase == "Ready") {
      app.err << name << " is ready at " << st->front().endpoint << " (answered in "
              << st->front().probe->milliseconds << " ms; kubectl lm chat " << name << " \"hello\")\n";
      return Status::Ok();
    }
    if (p.phase == "ImagePullBackOff" || p.phase == "CrashLoopBackOff" || p.phase == "OOMKilled") {
      return Status(Kind::kServer, name + " failed: " + line + " (kubectl lm status " + name + " for more)");
    }
    if (app.Now() >= deadline) {
      return Status(Kind::kServer, name + " is not ready after " + std::to_string(timeout.count()) + "s: " + line);
    }
    app.deps.sleep(kPollPeriod);
  }
}

namespace {

struct StatusOptions {
  bool all = false, watch = false;
  std::optional<bool> probe;  // default: for one NAME only
  std::string output;
};

kube::Status RunStatus(App& app, StatusOptions& o, const std::vector<std::string>& positionals) {
  const std::string name = positionals.empty() ? "" : positionals.front();
  const std::string& output = o.output;
  const bool all = o.all, watch = o.watch;
  auto client = app.Connect();
  if (!client.ok()) return client.status();
  std::string ns = all ? "" : (*client)->config().namespace_;
  std::string previous;
  std::unique_ptr<kube::Client> probe_client;  // one for every --watch poll
  for (;;) {
    auto items = GatherStatus(**client, ns, name, !name.empty());
    if (!items.ok()) return items.status();
    if (!name.empty() && items->empty()) {
      return Status(Kind::kNotFound, "no model deployment \"" + name + "\" in namespace " +
                                         (ns.empty() ? "any namespace" : ns) + " (kubectl lm status -A lists them all)");
    }
    if (items->empty() && output.empty()) {
      if (!watch) {
        app.err << "No model deployments found in " << (ns.empty() ? "any namespace" : "namespace " + ns) << ".\n";
        return Status::Ok();
      }
    }
    if (!name.empty()) {
      AddLastLog(**client, items->front());
      AddTimeline(app, **client, items->front());
    }
    if (o.probe.value_or(!name.empty())) ProbeReady(app, *items, probe_client);
    std::string text = RenderStatus(*items, name, output, all, app.Now());
    if (text != previous) {
      app.out << text << std::flush;
      previous = text;
    }
    if (!watch) return Status::Ok();
    app.deps.sleep(kPollPeriod);
  }
}

}  // namespace

Command StatusCommand() {
  return MakeCommand<StatusOptions>(
      {"status", "[NAME]", "Show where model deployments stand, and why"},
      {SwitchFlag<StatusOptions>({"all-namespaces", 'A', "", "every namespace"}, &StatusOptions::all),
       SwitchFlag<StatusOptions>({"watch", 'w', "", "print again whenever it changes (every 2 s)"},
                                 &StatusOptions::watch),
       SwitchFlag<StatusOptions>({"probe", 0, "",
                                  "ask each Ready server for a one-token completion; Unhealthy if it does not answer "
                                  "(default: for one NAME)"},
                                 &StatusOptions::probe),
       OutputFlag({"json", "yaml", "wide"}, &StatusOptions::output)},
      {0, 1, ""}, RunStatus);
}

}  // namespace lm
