// The Prometheus text format on a real vLLM /metrics page
// (tests/testdata/vllm-metrics, its source in SOURCES.md there), on
// malformed lines, and the quantile top computes from two scrapes.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include "plugin/prometheus.h"
#include "testdata.h"

using namespace lm;

namespace {

std::string Page() {
  std::ifstream in(TestdataDir() + "/vllm-metrics/aibrix-runtime.txt");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prometheus)

BOOST_AUTO_TEST_CASE(a_real_vllm_page) {
  const Scrape s = ParsePrometheus(Page());
  BOOST_CHECK_EQUAL(s.malformed, 0);
  BOOST_CHECK_EQUAL(s.samples.size(), 29u);
  BOOST_CHECK_EQUAL(*Sum(s, "vllm:prompt_tokens_total"), 148.0);
  BOOST_CHECK_EQUAL(*Sum(s, "vllm:generation_tokens_total"), 955.0);
  BOOST_CHECK_EQUAL(*Max(s, "vllm:gpu_cache_usage_perc"), 0.0);
  BOOST_CHECK_EQUAL(*Sum(s, "vllm:gpu_prefix_cache_hit_rate"), -1.0);
  BOOST_CHECK_CLOSE(*Sum(s, "vllm:lora_requests_info"), 1.7382173358407154e+09, 1e-12);
  BOOST_CHECK(!Sum(s, "vllm:kv_cache_usage_perc"));  // this page names it gpu_cache_usage_perc
  // An info metric's many labels, the empty ones included.
  const Sample& info = s.samples[0];
  BOOST_CHECK_EQUAL(info.name, "vllm:cache_config_info");
  BOOST_CHECK_EQUAL(info.labels.size(), 12u);
  BOOST_CHECK_EQUAL(info.Label("num_gpu_blocks"), "81767");
  BOOST_CHECK_EQUAL(s.samples[10].Label("running_lora_adapters"), "");
  // The page ends inside a histogram with no +Inf bucket: no quantile from it.
  BOOST_CHECK(!QuantileBetween(Scrape{}, s, "vllm:iteration_tokens_total", 0.5));
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_counted_and_skipped_not_fatal) {
  const Scrape s = ParsePrometheus("good 1\nbad{x=\"unclosed 2\n{nolabel} 3\nname{a=\"b\"} notanumber\nlast 4 1700000000000\n"
                                   "tail 5 garbage\n");
  BOOST_CHECK_EQUAL(s.samples.size(), 2u);
  BOOST_CHECK_EQUAL(s.malformed, 4);
  BOOST_CHECK_EQUAL(s.first_malformed, "bad{x=\"unclosed 2");
  BOOST_CHECK_EQUAL(*Sum(s, "last"), 4.0);
}

BOOST_AUTO_TEST_CASE(escapes_inf_nan_and_label_sets_summed) {
  const Scrape s = ParsePrometheus("m{path=\"a\\\"b\\\\c\\nd\"} +Inf\nn NaN\nr{engine=\"0\"} 2\nr{engine=\"1\"} 3\n");
  BOOST_REQUIRE_EQUAL(s.samples.size(), 4u);
  BOOST_CHECK_EQUAL(s.samples[0].Label("path"), "a\"b\\c\nd");
  BOOST_CHECK(std::isinf(s.samples[0].value));
  BOOST_CHECK(!Sum(s, "n"));  // NaN is no value
  BOOST_CHECK_EQUAL(*Sum(s, "r"), 5.0);
  BOOST_CHECK_EQUAL(*Max(s, "r"), 3.0);
}

// histogram_quantile's linear interpolation, over what was observed between
// two scrapes: 10 observations, 4 at most 0.1 s, 9 at most 0.5 s, 10 in all.
BOOST_AUTO_TEST_CASE(quantiles_of_what_was_observed_in_between) {
  const Scrape before = ParsePrometheus(
      "h_bucket{le=\"0.1\"} 100\nh_bucket{le=\"0.5\"} 200\nh_bucket{le=\"+Inf\"} 300\n");
  const Scrape after = ParsePrometheus(
      "h_bucket{le=\"0.1\"} 104\nh_bucket{le=\"0.5\"} 209\nh_bucket{le=\"+Inf\"} 310\n");
  // p50: rank 5, in (0.1, 0.5] which holds ranks 4..9: 0.1 + 0.4 x 1/5.
  BOOST_CHECK_CLOSE(*QuantileBetween(before, after, "h", 0.5), 0.18, 1e-9);
  // p95: rank 9.5, in the +Inf bucket: its lower bound.
  BOOST_CHECK_CLOSE(*QuantileBetween(before, after, "h", 0.95), 0.5, 1e-9);
  // Nothing observed: no quantile.
  BOOST_CHECK(!QuantileBetween(after, after, "h", 0.5));
}

BOOST_AUTO_TEST_SUITE_END()
