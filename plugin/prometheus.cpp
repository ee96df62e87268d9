#include "plugin/prometheus.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "kube/printable.h"

namespace lm {
namespace {

bool NameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

std::optional<double> ParseValue(std::string_view v) {
  if (v == "+Inf" || v == "Inf") return HUGE_VAL;
  if (v == "-Inf") return -HUGE_VAL;
  if (v == "NaN") return std::nan("");
  if (v.empty() || v.size() > 64) return std::nullopt;
  const std::string s(v);
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

// One sample line: name, optional {labels}, value, optional timestamp.
std::optional<Sample> ParseLine(std::string_view line) {
  Sample s;
  size_t i = 0;
  while (i < line.size() && NameChar(line[i], i == 0)) ++i;
  if (i == 0) return std::nullopt;
  s.name = std::string(line.substr(0, i));
  if (i < line.size() && line[i] == '{') {
    ++i;
    for (;;) {
      while (i < line.size() && (line[i] == ' ' || line[i] == ',')) ++i;
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      const size_t key_start = i;
      while (i < line.size() && NameChar(line[i], i == key_start)) ++i;
      if (i == key_start || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') return std::nullopt;
      std::string key(line.substr(key_start, i - key_start)), value;
      i += 2;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < line.size()) {
          const char e = line[i++];
          value += e == 'n' ? '\n' : e;
        } else {
          value += c;
        }
      }
      if (!closed) return std::nullopt;
      s.labels.emplace_back(std::move(key), std::move(value));
    }
  }
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  const size_t value_start = i;
  while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
  auto value = ParseValue(line.substr(value_start, i - value_start));
  if (!value) return std::nullopt;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i < line.size()) {  // a timestamp, in milliseconds
    const std::string_view ts = line.substr(i);
    if (!std::all_of(ts.begin(), ts.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; })) {
      return std::nullopt;
    }
  }
  s.value = *value;
  return s;
}

// bucket upper bound -> cumulative count, summed over label sets.
std::map<double, double> Buckets(const Scrape& s, const std::string& bucket_name) {
  std::map<double, double> out;
  for (const auto& sample : s.samples) {
    if (sample.name != bucket_name) continue;
    auto le = ParseValue(sample.Label("le"));
    if (!le || std::isnan(*le) || std::isnan(sample.value)) continue;
    out[*le] += sample.value;
  }
  return out;
}

}  // namespace

std::string Sample::Label(std::string_view key) const {
  for (const auto& [k, v] : labels) {
    if (k == key) return v;
  }
  return "";
}

Scrape ParsePrometheus(std::string_view text) {
  Scrape out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    auto sample = out.samples.size() < kMaxSamples ? ParseLine(line) : std::nullopt;
    if (sample) {
      out.samples.push_back(std::move(*sample));
      continue;
    }
    if (out.malformed++ == 0) {
      out.first_malformed = kube::Printable(std::string(line.substr(0, 120))) + (line.size() > 120 ? "..." : "");
    }
  }
  return out;
}

std::optional<double> Sum(const Scrape& s, std::string_view name) {
  std::optional<double> sum;
  for (const auto& sample : s.samples) {
    if (sample.name == name && !std::isnan(sample.value)) sum = sum.value_or(0) + sample.value;
  }
  return sum;
}

std::optional<double> Max(const Scrape& s, std::string_view name) {
  std::optional<double> max;
  for (const auto& sample : s.samples) {
    if (sample.name == name && !std::isnan(sample.value)) max = std::max(max.value_or(sample.value), sample.value);
  }
  return max;
}

std::optional<double> QuantileBetween(const Scrape& before, const Scrape& after, std::string_view name, double q) {
  const std::string bucket = std::string(name) + "_bucket";
  const auto a = Buckets(before, bucket);
  const auto b = Buckets(after, bucket);
  // What was observed in between, cumulative by upper bound.
  std::vector<std::pair<double, double>> delta;
  for (const auto& [le, count] : b) {
    auto old = a.find(le);
    delta.emplace_back(le, std::max(0.0, count - (old == a.end() ? 0.0 : old->second)));
  }
  if (delta.empty() || !std::isinf(delta.back().first)) return std::nullopt;  // no +Inf bucket: no total
  const double total = delta.back().second;
  if (total <= 0) return std::nullopt;
  const double rank = q * total;
  double lower = 0, below = 0;
  for (const auto& [le, count] : delta) {
    if (count >= rank) {
      if (std::isinf(le)) return lower;  // in the open bucket: its lower bound, as Prometheus does
      if (count == below) return le;
      return lower + (le - lower) * (rank - below) / (count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}

}  // namespace lm
