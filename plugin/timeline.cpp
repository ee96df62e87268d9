#include "plugin/timeline.h"

#include <cstdio>
#include <cstdlib>

#include "kube/json_fields.h"
#include "kube/rfc3339.h"

namespace lm {
namespace json = boost::json;
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::duration_cast;
using std::chrono::seconds;

const auto& Obj = kube::ObjField;
const auto& Str = kube::StrField;

std::optional<Clock::time_point> TimeOf(const std::string& s) { return kube::ParseRfc3339(s); }

// When an event happened: its series' last time, else its time.
std::optional<Clock::time_point> EventTime(const json::object& e) {
  for (const char* field : {"lastTimestamp", "eventTime", "firstTimestamp"}) {
    if (auto t = TimeOf(Str(&e, field))) return t;
  }
  return std::nullopt;
}

struct PodEvent {
  std::string reason, message;
  std::optional<Clock::time_point> time;
};

// The kubelet's "Successfully pulled image "x" in 4.546s (4.546s including
// waiting). Image size: 5586843591 bytes." (pkg/kubelet/images): the size.
std::string PulledDetail(const std::string& message) {
  if (message.find("already present on machine") != std::string::npos) return "already on the node";
  const std::string marker = "Image size: ";
  const size_t at = message.find(marker);
  if (at == std::string::npos) return "";
  const double bytes = std::strtod(message.c_str() + at + marker.size(), nullptr);
  if (bytes <= 0) return "";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f GB", bytes / 1e9);
  return b;
}

// A container waiting on its image (ErrImagePull, ImagePullBackOff): the kubelet's message.
std::string PullWaiting(const json::object& pod) {
  const json::value* cs = Obj(&pod, "status") ? Obj(&pod, "status")->if_contains("containerStatuses") : nullptr;
  if (!cs || !cs->is_array()) return "";
  for (const auto& c : cs->as_array()) {
    const json::object* waiting = Obj(Obj(c.if_object(), "state"), "waiting");
    const std::string reason = Str(waiting, "reason");
    if (reason == "ErrImagePull" || reason == "ImagePullBackOff") {
      const std::string message = Str(waiting, "message");
      return message.empty() ? reason : message;
    }
  }
  return "";
}

std::optional<seconds> Between(std::optional<Clock::time_point> a, std::optional<Clock::time_point> b) {
  if (!a || !b || *b < *a) return std::nullopt;
  return duration_cast<seconds>(*b - *a);
}

}  // namespace

std::string ShortDuration(seconds d) {
  long long s = d.count();
  if (s < 0) s = 0;
  char b[32];
  if (s < 60) {
    std::snprintf(b, sizeof b, "%llds", s);
  } else if (s < 3600) {
    std::snprintf(b, sizeof b, "%lldm%llds", s / 60, s % 60);
  } else {
    std::snprintf(b, sizeof b, "%lldh%lldm", s / 3600, s % 3600 / 60);
  }
  return b;
}

Timeline BuildTimeline(const json::object& pod, const std::vector<json::object>& events,
                       const std::optional<gpu::ServerStartup>& log, Clock::time_point now) {
  Timeline t;
  const json::object* md = Obj(&pod, "metadata");
  t.pod = Str(md, "name");
  std::vector<PodEvent> mine;
  for (const auto& e : events) {
    if (Str(Obj(&e, "involvedObject"), "name") == t.pod) mine.push_back({Str(&e, "reason"), Str(&e, "message"), EventTime(e)});
  }
  auto find = [&](const std::string& reason) -> const PodEvent* {
    const PodEvent* found = nullptr;
    for (const auto& e : mine) {
      if (e.reason == reason) found = &e;
    }
    return found;
  };
  const auto created = TimeOf(Str(md, "creationTimestamp"));
  const bool scheduled = !Str(Obj(&pod, "spec"), "nodeName").empty();
  // Scheduling: from the pod's creation to the scheduler's Scheduled event.
  if (const PodEvent* s = find("Scheduled")) {
    t.steps.push_back({"scheduling", Between(created, s->time), std::nullopt, "", false});
  } else if (!scheduled) {
    t.steps.push_back({"scheduling", Between(created, now), std::nullopt, "", true});
    return t;
  }
  // The image: Pulling, then Pulled (or only Pulled: already on the node).
  const PodEvent* pulling = find("Pulling");
  const PodEvent* pulled = find("Pulled");
  if (pulled) {
    t.steps.push_back({"image pull", pulling ? Between(pulling->time, pulled->time) : std::optional<seconds>(seconds(0)),
                       std::nullopt, PulledDetail(pulled->message), false});
  } else if (pulling) {
    t.steps.push_back({"image pull", Between(pulling->time, now), std::nullopt, "", true});
    return t;
  } else if (const std::string waiting = PullWaiting(pod); !waiting.empty()) {
    t.steps.push_back({"image pull", std::nullopt, std::nullopt, waiting, false});
    return t;
  }
  if (!log) return t;
  for (const auto& s : log->steps) {
    TimelineStep step{s.name, std::nullopt, s.reported_seconds, s.detail, !s.done};
    if (s.done) {
      step.took = Between(s.start, s.end);
    } else if (!log->ready && log->failure.empty()) {
      step.took = Between(s.start, now);
    } else {
      step.running = false;
    }
    t.steps.push_back(std::move(step));
  }
  t.failure = log->failure;
  t.progress = log->progress;
  t.remaining_seconds = log->remaining_seconds;
  t.ready = log->ready;
  if (!log->ready && log->failure.empty()) t.quiet = Between(log->last_line, now);
  return t;
}

}  // namespace lm
