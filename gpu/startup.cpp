#include "gpu/startup.h"

#include <cstdlib>

#include "kube/rfc3339.h"

namespace gpu {
namespace {

// The steps, in the order vLLM runs them.
enum Step { kEngine, kDownload, kLoad, kCompile, kGraphs, kApi, kSteps };
constexpr const char* kNames[kSteps] = {"engine start", "download weights", "load weights",
                                        "compile and profile", "CUDA graphs", "API server"};

bool Has(std::string_view line, std::string_view what) { return line.find(what) != std::string_view::npos; }

// The number that starts right after `after` in `line`, when there is one.
std::optional<double> NumberAfter(std::string_view line, std::string_view after) {
  const size_t at = line.find(after);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string rest(line.substr(at + after.size()));
  char* end = nullptr;
  const double v = std::strtod(rest.c_str(), &end);
  if (end == rest.c_str()) return std::nullopt;
  return v;
}

// "(EngineCore_DP0 pid=441) INFO ..." -> "INFO ...": the process prefix of
// vLLM's V1 engine says nothing a person needs.
std::string_view WithoutProcess(std::string_view line) {
  if (line.size() > 1 && line[0] == '(') {
    const size_t close = line.find(") ");
    if (close != std::string_view::npos && Has(line.substr(0, close), "pid=")) return line.substr(close + 2);
  }
  return line;
}

// tqdm's "[00:13<00:11, 2.87s/it]": the seconds after '<', when known.
std::optional<double> TqdmRemaining(std::string_view line) {
  const size_t lt = line.find('<');
  const size_t comma = line.find(',', lt);
  if (lt == std::string_view::npos || comma == std::string_view::npos) return std::nullopt;
  double seconds = 0;
  std::string part;
  for (char c : line.substr(lt + 1, comma - lt - 1)) {
    if (c == ':') {
      seconds = seconds * 60 + std::atof(part.c_str());
      part.clear();
    } else if ((c >= '0' && c <= '9') || c == '.') {
      part += c;
    } else {
      return std::nullopt;  // "?" while unknown
    }
  }
  if (part.empty()) return std::nullopt;
  return seconds * 60 + std::atof(part.c_str());
}

// "Loading safetensors checkpoint shards:  89% Completed | 8/9 [...]" -> "8/9".
std::string Fraction(std::string_view line) {
  const size_t bar = line.rfind('|', line.find('['));
  if (bar == std::string_view::npos) return "";
  std::string_view rest = line.substr(bar + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return std::string(rest.substr(0, rest.find(' ')));
}

class Reader {
 public:
  void Line(const LogLine& l) {
    const std::string_view text = l.text;
    if (l.time) out_.last_line = l.time;
    if (out_.steps.empty()) Begin(kEngine, l.time);
    if (Has(text, "Starting to load model")) Begin(kEngine, l.time);
    if (Has(text, "Using model weights format")) Begin(kDownload, l.time);
    if (Has(text, "Time spent downloading weights for")) {
      const size_t colon = text.rfind(": ");  // after the repo id, which has no ": "
      Finish(kDownload, l.time, colon == std::string_view::npos ? std::nullopt : NumberAfter(text.substr(colon), ": "),
             "");
    }
    if (Has(text, "Loading safetensors checkpoint shards:")) {
      Begin(kLoad, l.time);
      out_.progress = "loading weights: shard " + Fraction(text);
      out_.remaining_seconds = TqdmRemaining(text);
    }
    if (Has(text, "Loading weights took")) Finish(kLoad, l.time, NumberAfter(text, "Loading weights took "), "");
    if (Has(text, "Model loading took")) {
      Finish(kLoad, l.time, std::nullopt, "");
      Begin(kCompile, l.time);
    }
    if (Has(text, "torch.compile take") || Has(text, "torch.compile took")) {
      auto s = NumberAfter(text, "torch.compile takes ");
      if (!s) s = NumberAfter(text, "torch.compile took ");
      if (s) compile_seconds_ = s;
    }
    if (Has(text, "GPU KV cache size:")) {
      constexpr std::string_view kMarker = "GPU KV cache size:";
      std::string tokens(text.substr(text.find(kMarker) + kMarker.size()));
      while (!tokens.empty() && tokens.front() == ' ') tokens.erase(0, 1);
      while (!tokens.empty() && (tokens.back() == ' ' || tokens.back() == '\r')) tokens.pop_back();
      std::string detail = tokens.empty() ? "" : "KV cache " + tokens;
      if (compile_seconds_) {
        char b[48];
        std::snprintf(b, sizeof b, "torch.compile %.1f s", *compile_seconds_);
        detail = b + (detail.empty() ? "" : "; " + detail);
      }
      Finish(kCompile, l.time, std::nullopt, detail);
      Begin(kGraphs, l.time);
    }
    if (Has(text, "Capturing CUDA graphs")) {
      Begin(kGraphs, l.time);
      out_.progress = "capturing CUDA graphs " + Fraction(text);
      out_.remaining_seconds = TqdmRemaining(text);
    }
    if (Has(text, "Graph capturing finished in")) Finish(kGraphs, l.time, NumberAfter(text, "finished in "), "");
    if (Has(text, "Starting vLLM API server")) Begin(kApi, l.time);
    if (Has(text, "Application startup complete")) {
      Finish(kApi, l.time, std::nullopt, "");
      out_.ready = true;
      out_.progress.clear();
      out_.remaining_seconds.reset();
    }
    if (out_.failure.empty()) Failure(text);
  }

  ServerStartup Done() { return std::move(out_); }

 private:
  // Step `s` starts: every earlier step still open ends here.
  void Begin(Step s, std::optional<TimePoint> t) {
    if (current_ >= s && !out_.steps.empty()) return;
    if (!out_.steps.empty() && !out_.steps.back().done) {
      out_.steps.back().end = t;
      out_.steps.back().done = true;
    }
    out_.steps.push_back({kNames[s], t, std::nullopt, std::nullopt, "", false});
    current_ = s;
    if (s != kLoad && s != kGraphs) {
      out_.progress.clear();
      out_.remaining_seconds.reset();
    }
  }
  void Finish(Step s, std::optional<TimePoint> t, std::optional<double> seconds, const std::string& detail) {
    if (current_ < s || out_.steps.empty()) Begin(s, t);
    if (current_ != s) return;  // already past it
    StartupStep& step = out_.steps.back();
    if (!step.done) step.end = t;
    step.done = true;
    if (seconds) step.reported_seconds = seconds;
    if (!detail.empty()) step.detail = detail;
  }
  // What vLLM says when the start fails: for lack of memory, or else its
  // API server's last word on an engine that did not start (the first
  // matching line wins, and the root cause comes before that one).
  void Failure(std::string_view text) {
    static const std::pair<const char*, const char*> kFailures[] = {
        {"CUDA out of memory", "CUDA out of memory"},
        {"No available memory for the cache blocks", "not enough memory for the KV cache"},
        {"larger than the available KV cache memory", "not enough memory for the KV cache"},
        {"RuntimeError: Engine core initialization failed", "the engine did not start"},
    };
    for (const auto& [marker, what] : kFailures) {
      if (Has(text, marker)) {
        std::string line(WithoutProcess(text));
        if (line.size() > 300) line = line.substr(0, 300) + "...";
        out_.failure = std::string(what) + ": " + line;
        return;
      }
    }
  }

  ServerStartup out_;
  int current_ = -1;
  std::optional<double> compile_seconds_;
};

}  // namespace

std::vector<LogLine> SplitTimestampedLog(std::string_view log) {
  std::vector<LogLine> lines;
  while (!log.empty()) {
    size_t nl = log.find('\n');
    std::string_view line = log.substr(0, nl);
    log = nl == std::string_view::npos ? std::string_view() : log.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    LogLine l;
    const size_t space = line.find(' ');
    if (space != std::string_view::npos) l.time = kube::ParseRfc3339(line.substr(0, space));
    l.text = std::string(l.time ? line.substr(space + 1) : line);
    lines.push_back(std::move(l));
  }
  return lines;
}

ServerStartup ReadStartup(const std::vector<LogLine>& lines) {
  Reader r;
  for (const LogLine& l : lines) r.Line(l);
  return r.Done();
}

}  // namespace gpu
