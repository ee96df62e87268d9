// A server's /metrics page, as any pod may serve it: parsed, summed and
// read for a quantile. Never throws, never crashes.
#include <cstdint>
#include <string_view>

#include "plugin/prometheus.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const lm::Scrape s = lm::ParsePrometheus(std::string_view(reinterpret_cast<const char*>(data), size));
  lm::Sum(s, "vllm:prompt_tokens_total");
  lm::Max(s, "vllm:kv_cache_usage_perc");
  lm::QuantileBetween(lm::Scrape{}, s, "vllm:time_to_first_token_seconds", 0.95);
  lm::QuantileBetween(s, s, "vllm:time_to_first_token_seconds", 0.5);
  return 0;
}
