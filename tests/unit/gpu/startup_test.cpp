// The start-up reader on real vLLM logs (tests/testdata/vllm-logs; each
// file's source is in SOURCES.md there). It proves which step each real
// log says the server is in, and what vLLM itself reported; the times come
// from the kubelet's timestamps, which these tests add from vLLM's own.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "gpu/startup.h"
#include "testdata.h"

using namespace gpu;

namespace {

std::string Read(const std::string& name) {
  std::ifstream in(TestdataDir() + "/vllm-logs/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  BOOST_REQUIRE_MESSAGE(!s.str().empty(), name);
  return s.str();
}

// The log without timestamps, as `kubectl logs` prints it.
std::vector<LogLine> Plain(const std::string& name) { return SplitTimestampedLog(Read(name)); }

// The log as the API server returns it with timestamps=true, each line at
// the time vLLM printed on it ("INFO 03-22 12:15:21", in 2025), or at the
// previous line's, as tests/e2e/cluster serves it.
std::vector<LogLine> Timed(const std::string& name) {
  std::istringstream in(Read(name));
  std::ostringstream out;
  std::string stamp = "2025-03-22T12:14:52Z";
  for (std::string line; std::getline(in, line);) {
    const size_t at = line.find(" 03-22 ");
    if (at != std::string::npos) stamp = "2025-03-22T" + line.substr(at + 7, 8) + "Z";
    out << stamp << " " << line << "\n";
  }
  return SplitTimestampedLog(out.str());
}

std::vector<std::string> Names(const ServerStartup& s) {
  std::vector<std::string> names;
  for (const auto& step : s.steps) names.push_back(step.name);
  return names;
}

long Seconds(const StartupStep& s) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(*s.end - *s.start).count());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(startup)

BOOST_AUTO_TEST_CASE(a_first_start_downloads_loads_compiles_captures_and_serves) {
  ServerStartup s = ReadStartup(Timed("download-then-ready.log"));
  BOOST_CHECK(s.ready);
  BOOST_CHECK(s.failure.empty());
  const std::vector<std::string> want = {"engine start", "download weights", "load weights", "compile and profile",
                                         "CUDA graphs", "API server"};
  const auto names = Names(s);
  BOOST_CHECK_EQUAL_COLLECTIONS(names.begin(), names.end(), want.begin(), want.end());
  for (const auto& step : s.steps) BOOST_CHECK_MESSAGE(step.done, step.name);
  // 12:14:52 -> 12:15:21 -> 12:23:49 -> 12:23:50 -> 12:24:28 -> 12:24:49 -> 12:24:50
  BOOST_CHECK_EQUAL(Seconds(s.steps[0]), 29);
  BOOST_CHECK_EQUAL(Seconds(s.steps[1]), 508);
  BOOST_CHECK_CLOSE(*s.steps[1].reported_seconds, 508.576789, 1e-9);
  BOOST_CHECK_EQUAL(Seconds(s.steps[2]), 1);
  BOOST_CHECK_CLOSE(*s.steps[2].reported_seconds, 0.56, 1e-9);
  BOOST_CHECK_EQUAL(Seconds(s.steps[3]), 38);
  BOOST_CHECK_EQUAL(s.steps[3].detail, "torch.compile 28.1 s; KV cache 525,520 tokens");
  BOOST_CHECK_EQUAL(Seconds(s.steps[4]), 21);
  BOOST_CHECK_CLOSE(*s.steps[4].reported_seconds, 21, 1e-9);
  BOOST_CHECK_EQUAL(Seconds(s.steps[5]), 0);
  BOOST_CHECK(s.progress.empty());
}

BOOST_AUTO_TEST_CASE(without_timestamps_only_what_vllm_reported_is_known) {
  ServerStartup s = ReadStartup(Plain("download-then-ready.log"));
  BOOST_CHECK(s.ready);
  BOOST_CHECK(!s.steps[1].start);
  BOOST_CHECK_CLOSE(*s.steps[1].reported_seconds, 508.576789, 1e-9);
  BOOST_CHECK(!s.last_line);
}

BOOST_AUTO_TEST_CASE(stuck_mid_download_the_download_is_the_running_step) {
  ServerStartup s = ReadStartup(Timed("stuck-downloading.log"));
  BOOST_CHECK(!s.ready);
  BOOST_CHECK(s.failure.empty());
  BOOST_REQUIRE_EQUAL(s.steps.size(), 2u);
  BOOST_CHECK_EQUAL(s.steps.back().name, "download weights");
  BOOST_CHECK(!s.steps.back().done);
  // Since 12:15:21, the log's last line: how long it has not moved is now - that.
  BOOST_CHECK(s.steps.back().start == s.last_line);
  BOOST_CHECK(s.progress.empty());  // vLLM logs no progress while it downloads
}

BOOST_AUTO_TEST_CASE(cuda_out_of_memory_while_loading_is_the_failure_with_its_line) {
  ServerStartup s = ReadStartup(Plain("oom-loading.log"));
  BOOST_CHECK(!s.ready);
  BOOST_CHECK(s.failure.rfind("CUDA out of memory: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate "
                              "80.00 MiB. GPU 0 has a total capacity of 139.72 GiB",
                              0) == 0);
  BOOST_CHECK_EQUAL(s.steps.back().name, "load weights");
  BOOST_CHECK_EQUAL(s.progress, "loading weights: shard 1/37");
}

BOOST_AUTO_TEST_CASE(an_engine_that_did_not_start_is_the_failure) {
  ServerStartup s = ReadStartup(Plain("engine-init-failed.log"));
  BOOST_CHECK(!s.ready);
  BOOST_CHECK_EQUAL(s.failure, "the engine did not start: RuntimeError: Engine core initialization failed. See root "
                               "cause above. Failed core proc(s): {}");
  // After a memory failure, the same line does not replace it.
  std::vector<LogLine> both = Plain("oom-loading.log");
  for (const LogLine& l : Plain("engine-init-failed.log")) both.push_back(l);
  BOOST_CHECK(ReadStartup(both).failure.rfind("CUDA out of memory: ", 0) == 0);
}

BOOST_AUTO_TEST_CASE(a_v1_engine_log_from_the_middle_compiles_then_captures_graphs) {
  ServerStartup s = ReadStartup(Plain("v1-compile-and-graphs.log"));
  // It starts at "Model loading took": the steps before it are one.
  const std::vector<std::string> want = {"engine start", "load weights", "compile and profile", "CUDA graphs"};
  const auto names = Names(s);
  BOOST_CHECK_EQUAL_COLLECTIONS(names.begin(), names.end(), want.begin(), want.end());
  BOOST_CHECK_EQUAL(s.steps[2].detail, "torch.compile 19.7 s; KV cache 1,587,648 tokens");
  BOOST_CHECK(!s.steps[3].done);
  BOOST_CHECK_EQUAL(s.progress, "capturing CUDA graphs 35/35");
  BOOST_CHECK_CLOSE(*s.remaining_seconds, 0, 1e-9);
}

BOOST_AUTO_TEST_CASE(shard_by_shard_the_estimate_is_tqdms) {
  ServerStartup s = ReadStartup(Plain("shards-loading.log"));
  BOOST_CHECK_EQUAL(s.steps.back().name, "load weights");
  BOOST_CHECK_EQUAL(s.progress, "loading weights: shard 8/9");
  BOOST_CHECK_CLOSE(*s.remaining_seconds, 4, 1e-9);
}

// Found by tests/fuzz/startup_fuzz.cpp: a marker at the end of a line, or
// without what follows it in vLLM's lines, is read as nothing, not past the end.
BOOST_AUTO_TEST_CASE(markers_cut_short_are_read_as_nothing) {
  ServerStartup s = ReadStartup(SplitTimestampedLog("Time spent downloading weights for\nGPU KV cache size:\n"));
  BOOST_REQUIRE_EQUAL(s.steps.size(), 4u);  // engine start, download, compile and profile, CUDA graphs
  BOOST_CHECK(!s.steps[1].reported_seconds);
  BOOST_CHECK_EQUAL(s.steps[2].detail, "");
}

BOOST_AUTO_TEST_CASE(timestamps_are_the_kubelets_rfc3339_prefix) {
  auto lines = SplitTimestampedLog("2026-11-28T13:00:01.123456789Z INFO hello\nno stamp here\r\n");
  BOOST_REQUIRE_EQUAL(lines.size(), 2u);
  BOOST_CHECK(lines[0].time.has_value());
  BOOST_CHECK_EQUAL(lines[0].text, "INFO hello");
  BOOST_CHECK(!lines[1].time);
  BOOST_CHECK_EQUAL(lines[1].text, "no stamp here");
}

BOOST_AUTO_TEST_SUITE_END()
