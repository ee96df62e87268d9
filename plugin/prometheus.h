// The Prometheus text exposition format (version 0.0.4), as vLLM's
// /metrics serves it, read into samples; and the few things kubectl lm top
// computes from two of them. Pure. A malformed line is counted and skipped,
// never fatal: a server's metrics page is not ours to trust.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lm {

struct Sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
  // The label's value, or "" when the sample has none of that name.
  std::string Label(std::string_view key) const;
};

struct Scrape {
  std::vector<Sample> samples;
  int malformed = 0;
  std::string first_malformed;  // the first malformed line, printable and short
};

// At most kMaxSamples samples are kept; lines beyond count as malformed.
inline constexpr size_t kMaxSamples = 200000;
Scrape ParsePrometheus(std::string_view text);

// The sum of every sample named `name` (over its label sets), or nothing
// when there is none.
std::optional<double> Sum(const Scrape& s, std::string_view name);
// The largest of them.
std::optional<double> Max(const Scrape& s, std::string_view name);

// The q-quantile (0..1) of histogram `name` over what was observed between
// two scrapes (their _bucket series, summed over label sets), interpolated
// within the bucket as Prometheus's histogram_quantile does; nothing when
// nothing was observed in between.
std::optional<double> QuantileBetween(const Scrape& before, const Scrape& after, std::string_view name, double q);

}  // namespace lm
