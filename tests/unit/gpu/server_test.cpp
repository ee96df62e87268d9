// The vLLM command line each plan becomes: the whole contract between
// kubectl-lm and the image (upstream vllm/vllm-openai, or manifests/image),
// one exact argv per case.
#include <boost/test/unit_test.hpp>

#include <boost/algorithm/string/join.hpp>

#include "gpu/server.h"

using namespace gpu;

namespace {

std::string Line(const ServerConfig& c) { return boost::algorithm::join(ServerCommand(c), " "); }

ServerConfig Base() {
  ServerConfig c;
  c.model = "microsoft/Phi-3-mini-4k-instruct";
  c.served_name = "phi-3-mini-4k";
  c.max_model_len = 4096;
  c.batch = {2048, 256};
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(server_command)

BOOST_AUTO_TEST_CASE(tp1_at_the_planned_context) {
  BOOST_CHECK_EQUAL(Line(Base()),
                    "vllm serve microsoft/Phi-3-mini-4k-instruct --served-model-name phi-3-mini-4k "
                    "--tensor-parallel-size 1 --max-model-len 4096 --max-num-batched-tokens 2048 --max-num-seqs 256 --gpu-memory-utilization 0.90 --dtype bfloat16 "
                    "--host 0.0.0.0 --port 8000");
}

BOOST_AUTO_TEST_CASE(tp4_custom_context_and_utilization) {
  ServerConfig c = Base();
  c.model = "meta-llama/Llama-3.3-70B-Instruct";
  c.served_name = "llama-3.3-70b";
  c.tensor_parallel = 4;
  c.max_model_len = 32768;
  c.gpu_memory_utilization = 0.85;
  c.batch = {8192, 1024};
  BOOST_CHECK_EQUAL(Line(c),
                    "vllm serve meta-llama/Llama-3.3-70B-Instruct --served-model-name llama-3.3-70b "
                    "--tensor-parallel-size 4 --max-model-len 32768 --max-num-batched-tokens 8192 --max-num-seqs 1024 "
                    "--gpu-memory-utilization 0.85 --dtype bfloat16 "
                    "--host 0.0.0.0 --port 8000");
}

BOOST_AUTO_TEST_CASE(mistral_format) {
  ServerConfig c = Base();
  c.model = "mistralai/Mistral-7B-Instruct-v0.3";
  c.served_name = "mistral-7b";
  c.mistral_format = true;
  BOOST_CHECK_EQUAL(Line(c),
                    "vllm serve mistralai/Mistral-7B-Instruct-v0.3 --served-model-name mistral-7b "
                    "--tensor-parallel-size 1 --max-model-len 4096 --max-num-batched-tokens 2048 --max-num-seqs 256 --gpu-memory-utilization 0.90 --dtype bfloat16 "
                    "--tokenizer-mode mistral --config-format mistral --load-format mistral --host 0.0.0.0 --port 8000");
}

BOOST_AUTO_TEST_CASE(quantization_float16_and_extra_args_last) {
  ServerConfig c = Base();
  c.dtype = "float16";
  c.quantization = "awq";
  c.extra_args = {"--enable-prefix-caching", "--kv-cache-dtype=fp8"};
  BOOST_CHECK_EQUAL(Line(c),
                    "vllm serve microsoft/Phi-3-mini-4k-instruct --served-model-name phi-3-mini-4k "
                    "--tensor-parallel-size 1 --max-model-len 4096 --max-num-batched-tokens 2048 --max-num-seqs 256 --gpu-memory-utilization 0.90 --dtype float16 "
                    "--quantization awq --host 0.0.0.0 --port 8000 --enable-prefix-caching --kv-cache-dtype=fp8");
}

BOOST_AUTO_TEST_CASE(two_lora_adapters_each_with_a_slot_at_the_largest_rank) {
  ServerConfig c = Base();
  c.lora_modules = {{"sql", "stand-in/phi-3-mini-sql-lora"}, {"chat", "/models/chat-lora"}};
  c.max_lora_rank = 64;
  BOOST_CHECK_EQUAL(Line(c),
                    "vllm serve microsoft/Phi-3-mini-4k-instruct --served-model-name phi-3-mini-4k "
                    "--tensor-parallel-size 1 --max-model-len 4096 --max-num-batched-tokens 2048 --max-num-seqs 256 "
                    "--gpu-memory-utilization 0.90 --dtype bfloat16 --enable-lora --max-loras 2 --max-lora-rank 64 "
                    "--lora-modules sql=stand-in/phi-3-mini-sql-lora chat=/models/chat-lora --host 0.0.0.0 --port 8000");
  for (const char* a : {"--enable-lora", "--lora-modules=x=y", "--max-loras", "--max_lora_rank=8"}) {
    BOOST_TEST_CONTEXT(a) { BOOST_CHECK(PlannedServerOption(a).has_value()); }
  }
}

BOOST_AUTO_TEST_CASE(lora_ranks_round_up_to_one_vllm_accepts) {
  BOOST_CHECK_EQUAL(LoraRankFor(1), 8);
  BOOST_CHECK_EQUAL(LoraRankFor(16), 16);
  BOOST_CHECK_EQUAL(LoraRankFor(300), 320);
  BOOST_CHECK_EQUAL(LoraRankFor(512), 512);
  BOOST_CHECK_EQUAL(LoraRankFor(513), 0);
}

BOOST_AUTO_TEST_CASE(no_context_leaves_the_models_own) {
  ServerConfig c = Base();
  c.max_model_len = 0;
  BOOST_CHECK(Line(c).find("--max-model-len") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_batch_budget_leaves_vllms_own) {
  ServerConfig c = Base();
  c.batch = {};
  BOOST_CHECK(Line(c).find("--max-num-batched-tokens") == std::string::npos);
  BOOST_CHECK(Line(c).find("--max-num-seqs") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(planned_options_are_recognised_in_every_spelling) {
  for (const char* a : {"--dtype", "--dtype=half", "--max_model_len=9", "-tp", "-q=awq", "--port", "--host=::",
                        "--max-num-seqs=64", "--max_num_batched_tokens"}) {
    BOOST_TEST_CONTEXT(a) { BOOST_CHECK(PlannedServerOption(a).has_value()); }
  }
  BOOST_CHECK_EQUAL(*PlannedServerOption("--max_model_len=9"), "--max-model-len");
  for (const char* a : {"--enable-prefix-caching", "--kv-cache-dtype=fp8", "value"}) {
    BOOST_TEST_CONTEXT(a) { BOOST_CHECK(!PlannedServerOption(a).has_value()); }
  }
}

BOOST_AUTO_TEST_SUITE_END()
