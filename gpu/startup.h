// Where a starting vLLM server is, read from its own log. Pure.
//
// vLLM prints a line as each step of its start ends (weight_utils.py,
// default_loader.py, gpu_model_runner.py, monitor.py, kv_cache_utils.py,
// api_server.py); tests/testdata/vllm-logs holds real logs, with their
// sources, that tests/unit/gpu/startup_test.cpp reads.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpu {

using TimePoint = std::chrono::system_clock::time_point;

struct LogLine {
  std::optional<TimePoint> time;  // the kubelet's timestamp, when the log was asked with timestamps=true
  std::string text;
};

// A log as the API server returns it with timestamps=true: each line
// "2026-11-28T13:00:01.123456789Z TEXT". Lines without a timestamp are
// kept with none.
std::vector<LogLine> SplitTimestampedLog(std::string_view log);

struct StartupStep {
  std::string name;                 // "download weights", "load weights", ...
  std::optional<TimePoint> start, end;  // from the lines' timestamps
  std::optional<double> reported_seconds;  // what vLLM said it took
  std::string detail;               // "KV cache 525,520 tokens", ...
  bool done = false;
};

struct ServerStartup {
  // The steps the log reached, in order: engine start, download weights,
  // load weights, compile and profile, CUDA graphs, API server. The last
  // one is still running unless `ready` or `failure`.
  std::vector<StartupStep> steps;
  bool ready = false;               // "Application startup complete."
  std::string failure;              // "CUDA out of memory: <its line>", ...
  std::string progress;             // the last progress line, in a phrase
  std::optional<double> remaining_seconds;  // tqdm's estimate on that line
  std::optional<TimePoint> last_line;       // when the log last moved
};

ServerStartup ReadStartup(const std::vector<LogLine>& lines);

}  // namespace gpu
