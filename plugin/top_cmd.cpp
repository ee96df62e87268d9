// kubectl lm top [NAME]: what each model server is doing, from its own
// Prometheus /metrics (read through the API server's pod proxy), sampled
// twice --interval apart: requests running and waiting, KV-cache use, prompt
// and generation tokens per second, time to first token and per output
// token (p50/p95 of what was observed in between), preemptions.
#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

#include "gpu/server.h"
#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/deployment_status.h"
#include "plugin/options.h"
#include "plugin/printers.h"
#include "plugin/prometheus.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

namespace {

using Clock = std::chrono::system_clock;

struct TopOptions {
  bool all = false, watch = false;
  std::chrono::milliseconds interval{std::chrono::seconds(5)};
  std::string output;
};

struct PodScrape {
  std::string deployment, ns, pod;
  std::optional<Scrape> scrape;  // nothing when it could not be read
  std::string why;               // then why
  Clock::time_point at;
};

// What top shows of one pod, from two scrapes `seconds` apart.
struct PodTop {
  std::string deployment, ns, pod, why;
  std::optional<double> running, waiting, kv, prompt_tps, generation_tps, ttft_p50, ttft_p95, tpot_p50, tpot_p95,
      preemptions;
};

std::optional<double> Rate(const Scrape& a, const Scrape& b, std::string_view name, double seconds) {
  auto x = Sum(a, name), y = Sum(b, name);
  if (!x || !y || seconds <= 0) return std::nullopt;
  return std::max(0.0, *y - *x) / seconds;  // a restarted server's counters start again at 0
}

PodTop Compute(const PodScrape& before, const PodScrape& after) {
  PodTop t{after.deployment, after.ns, after.pod, after.why};
  if (!before.scrape || !after.scrape) {
    if (t.why.empty()) t.why = before.why;
    return t;
  }
  const Scrape& a = *before.scrape;
  const Scrape& b = *after.scrape;
  const double dt = std::chrono::duration<double>(after.at - before.at).count();
  t.running = Sum(b, "vllm:num_requests_running");
  t.waiting = Sum(b, "vllm:num_requests_waiting");
  // The KV-cache gauge's name since vLLM V1; before, gpu_cache_usage_perc.
  t.kv = Max(b, "vllm:kv_cache_usage_perc");
  if (!t.kv) t.kv = Max(b, "vllm:gpu_cache_usage_perc");
  t.prompt_tps = Rate(a, b, "vllm:prompt_tokens_total", dt);
  t.generation_tps = Rate(a, b, "vllm:generation_tokens_total", dt);
  t.ttft_p50 = QuantileBetween(a, b, "vllm:time_to_first_token_seconds", 0.5);
  t.ttft_p95 = QuantileBetween(a, b, "vllm:time_to_first_token_seconds", 0.95);
  // Time per output token: inter_token_latency since vLLM V1, else the older name.
  const char* tpot = Sum(b, "vllm:inter_token_latency_seconds_count") ? "vllm:inter_token_latency_seconds"
                                                                      : "vllm:time_per_output_token_seconds";
  t.tpot_p50 = QuantileBetween(a, b, tpot, 0.5);
  t.tpot_p95 = QuantileBetween(a, b, tpot, 0.95);
  auto p0 = Sum(a, "vllm:num_preemptions_total"), p1 = Sum(b, "vllm:num_preemptions_total");
  if (p0 && p1) t.preemptions = std::max(0.0, *p1 - *p0);
  return t;
}

std::string Num(const std::optional<double>& v, const char* format) {
  if (!v || std::isnan(*v)) return "-";
  char b[32];
  std::snprintf(b, sizeof b, format, *v);
  return b;
}
std::string Ms(const std::optional<double>& seconds) {
  return seconds ? Num(*seconds * 1000, "%.0f") + "ms" : "-";
}

std::vector<PodScrape> ScrapeAll(App& app, kube::Client& client, const std::vector<DeploymentStatus>& items) {
  std::vector<PodScrape> out;
  for (const auto& d : items) {
    for (const auto& p : d.phase.pods) {
      PodScrape s{d.name, d.namespace_, p.name, std::nullopt, "", app.Now()};
      if (!p.ready) {
        s.why = "not ready (" + p.phase + ")";
      } else {
        auto r = client.Do("GET", "/api/v1/namespaces/" + d.namespace_ + "/pods/" + p.name + ":" +
                                      std::to_string(gpu::kServerPort) + "/proxy/metrics", "", "");
        s.at = app.Now();
        if (r.ok()) {
          s.scrape = ParsePrometheus(r->body);
          if (s.scrape->malformed > 0) {
            app.log.Warning(p.name + ": " + std::to_string(s.scrape->malformed) +
                            " malformed line(s) in its /metrics, skipped; the first: " + s.scrape->first_malformed);
          }
        } else {
          s.why = r.status().message();
        }
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::string Render(const std::vector<PodTop>& rows, const std::string& output, bool all_namespaces) {
  std::ostringstream o;
  if (output == "json" || output == "yaml") {
    json::array items;
    auto put = [](json::object& obj, const char* key, const std::optional<double>& v) {
      if (v && !std::isnan(*v)) obj[key] = *v;
    };
    for (const auto& r : rows) {
      json::object obj{{"deployment", r.deployment}, {"namespace", r.ns}, {"pod", r.pod}};
      if (!r.why.empty()) obj["reason"] = r.why;
      put(obj, "requestsRunning", r.running);
      put(obj, "requestsWaiting", r.waiting);
      put(obj, "kvCacheUsage", r.kv);
      put(obj, "promptTokensPerSecond", r.prompt_tps);
      put(obj, "generationTokensPerSecond", r.generation_tps);
      put(obj, "timeToFirstTokenP50Seconds", r.ttft_p50);
      put(obj, "timeToFirstTokenP95Seconds", r.ttft_p95);
      put(obj, "timePerOutputTokenP50Seconds", r.tpot_p50);
      put(obj, "timePerOutputTokenP95Seconds", r.tpot_p95);
      put(obj, "preemptions", r.preemptions);
      items.push_back(std::move(obj));
    }
    PrintDocument(o, json::object{{"apiVersion", "kubectl-lm/v1alpha1"}, {"kind", "ModelServerTopList"},
                                  {"items", std::move(items)}}, output);
    return o.str();
  }
  std::vector<std::string> headers = {"NAME",     "POD",      "RUNNING",  "WAITING",  "KV-CACHE", "PROMPT-TOK/S",
                                      "GEN-TOK/S", "TTFT-P50", "TTFT-P95", "TPOT-P50", "TPOT-P95", "PREEMPTED"};
  if (all_namespaces) headers.insert(headers.begin(), "NAMESPACE");
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows) {
    std::vector<std::string> row = {r.deployment, r.pod};
    if (!r.why.empty()) {
      row.insert(row.end(), {"-", "-", "-", "-", "-", "-", "-", "-", "-", r.why});
    } else {
      row.insert(row.end(), {Num(r.running, "%.0f"), Num(r.waiting, "%.0f"),
                             r.kv ? Num(*r.kv * 100, "%.1f") + "%" : "-", Num(r.prompt_tps, "%.1f"),
                             Num(r.generation_tps, "%.1f"), Ms(r.ttft_p50), Ms(r.ttft_p95), Ms(r.tpot_p50),
                             Ms(r.tpot_p95), Num(r.preemptions, "%.0f")});
    }
    if (all_namespaces) row.insert(row.begin(), r.ns);
    table.push_back(std::move(row));
  }
  PrintTable(o, headers, table);
  return o.str();
}

kube::Status RunTop(App& app, TopOptions& o, const std::vector<std::string>& positionals) {
  const std::string name = positionals.empty() ? "" : positionals.front();
  // Each scrape is bounded as status's probe is: a server that hangs is a row, not a stall.
  auto client = app.Connect(ProbeBound(app.global.request_timeout));
  if (!client.ok()) return client.status();
  const std::string ns = o.all ? "" : (*client)->config().namespace_;
  auto items = GatherStatus(**client, ns, name, false);
  if (!items.ok()) return items.status();
  if (items->empty()) {
    if (!name.empty()) {
      return Status(Kind::kNotFound, "no model deployment \"" + name + "\" in namespace " + ns +
                                         " (kubectl lm status -A lists them all)");
    }
    app.err << "No model deployments found in " << (ns.empty() ? "any namespace" : "namespace " + ns) << ".\n";
    return Status::Ok();
  }
  auto before = ScrapeAll(app, **client, *items);
  for (;;) {
    app.deps.sleep(o.interval);
    auto after = ScrapeAll(app, **client, *items);
    std::vector<PodTop> rows;
    for (size_t i = 0; i < after.size() && i < before.size(); ++i) rows.push_back(Compute(before[i], after[i]));
    app.out << Render(rows, o.output, o.all) << std::flush;
    if (!o.watch) return Status::Ok();
    before = std::move(after);
  }
}

}  // namespace

Command TopCommand() {
  return MakeCommand<TopOptions>(
      {"top", "[NAME]", "Show what the model servers are doing, from their own metrics"},
      {SwitchFlag<TopOptions>({"all-namespaces", 'A', "", "every namespace"}, &TopOptions::all),
       SwitchFlag<TopOptions>({"watch", 'w', "", "print again every --interval"}, &TopOptions::watch),
       {{"interval", 0, "DURATION", "time between the two samples rates are taken over (default 5s)"},
        [](TopOptions& t, const std::string& v) {
          auto d = ParseTimeout(v);
          if (!d.ok() || d->count() <= 0 || *d > std::chrono::hours(1)) {
            return Invalid("interval", v, "use a duration such as 5s");
          }
          t.interval = *d;
          return std::string();
        }},
       OutputFlag({"json", "yaml"}, &TopOptions::output)},
      {0, 1, ""}, RunTop);
}

}  // namespace lm
