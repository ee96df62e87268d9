// How a model server's start went, step by step: scheduling and the image
// pull from the pod's events, then vLLM's own steps from its log
// (gpu::ReadStartup). Pure; status NAME and deploy --wait show it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "gpu/startup.h"

namespace lm {

struct TimelineStep {
  std::string name;                       // "scheduling", "image pull", "download weights", ...
  std::optional<std::chrono::seconds> took;  // how long it took, or has taken while running
  std::optional<double> reported_seconds;   // what the server said it took
  std::string detail;                     // "5.6 GB", "KV cache 525,520 tokens", ...
  bool running = false;
};

struct Timeline {
  std::string pod;
  std::vector<TimelineStep> steps;
  std::string failure;                    // the server's own words for why it cannot start
  std::string progress;                   // the last progress line, in a phrase
  std::optional<double> remaining_seconds;  // its estimate
  std::optional<std::chrono::seconds> quiet;  // since the log last moved, while starting
  bool ready = false;                     // the server said its start is complete
};

// `pod` and its `events` (any events; the pod's are picked by name), the
// server's `log` as read (nothing when there is none yet), at `now`.
Timeline BuildTimeline(const boost::json::object& pod, const std::vector<boost::json::object>& events,
                       const std::optional<gpu::ServerStartup>& log, std::chrono::system_clock::time_point now);

// "8m28s", "1h2m", "0s": kubectl's way with durations.
std::string ShortDuration(std::chrono::seconds d);

}  // namespace lm
