// The memory estimate against memory measured on a real GPU.
//
// Source: shared/reference/gpu-sizing-and-image.md, "Measured on an H200
// (2026-11-28)": random bf16 weights with the catalog's shapes, one forward
// pass of T tokens keeping their KV cache and computing K sequences'
// logits; device memory in use given as a ratio to KAITO's formula
// 1.07 W + 2.3 GiB + KV x T (and, at T = 8192, in GiB). This proves the
// estimate leaves every measured case at least 10% to spare when the plan's
// batch budget is those T tokens and K sequences. It cannot prove what the
// measurement did not capture (CUDA graphs, vLLM's own allocator): those are
// the estimate's separate reserve (gpu/placement.cpp).
#include <boost/test/unit_test.hpp>

#include "gpu/placement.h"

using namespace gpu;

namespace {

struct Measured {
  const char* model;
  double weights_gib;   // as loaded
  long tokens;          // T
  int seqs;             // K
  double ratio;         // used / (1.07 W + 2.3 + KV x T), two decimals
  double used_gib = 0;  // used, where the table gives it exactly
};

const Measured kTable[] = {
    {"phi-3-mini-4k", 7.117, 2048, 1, 0.85},
    {"phi-3-mini-4k", 7.117, 8192, 256, 0.97, 12.536},
    {"phi-3-mini-4k", 7.117, 16384, 256, 1.08},
    {"llama-3.1-8b", 14.958, 2048, 1, 0.88},
    {"llama-3.1-8b", 14.958, 8192, 256, 0.94, 18.106},
    {"llama-3.1-8b", 14.958, 16384, 256, 1.01},
    {"qwen2.5-7b", 14.185, 2048, 1, 0.88},
    {"qwen2.5-7b", 14.185, 8192, 256, 0.95, 16.946},
    {"qwen2.5-7b", 14.185, 16384, 256, 1.03},
    {"qwen2.5-coder-32b", 61.027, 2048, 1, 0.92},
    {"qwen2.5-coder-32b", 61.027, 8192, 256, 0.95, 65.839},
    {"qwen2.5-coder-32b", 61.027, 16384, 256, 0.98},
};

double UsedGiB(const Measured& row) {
  if (row.used_gib > 0) return row.used_gib;
  const Model& m = *FindModel(row.model);
  const double kaito = 1.07 * row.weights_gib + 2.3 + static_cast<double>(m.KvBytesPerToken(2)) * row.tokens / (1 << 30);
  return row.ratio * kaito;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sizing)

BOOST_AUTO_TEST_CASE(every_measured_case_uses_at_most_nine_tenths_of_the_estimate) {
  for (const Measured& row : kTable) {
    const Model* m = FindModel(row.model);
    BOOST_REQUIRE(m);
    const double estimate = MemoryPerGpuGiB(*m, Widths{}, 1, row.tokens, {row.tokens, row.seqs});
    BOOST_TEST_CONTEXT(row.model << " at " << row.tokens << " tokens x " << row.seqs << " sequences: used "
                                 << UsedGiB(row) << " GiB, estimate " << estimate << " GiB") {
      BOOST_CHECK_LE(UsedGiB(row), 0.9 * estimate);
    }
  }
}

// The old formula alone did not: at 16384 batched tokens phi-3-mini used
// more than it (the reason), so the test above can fail.
BOOST_AUTO_TEST_CASE(kaitos_formula_alone_is_exceeded_by_the_measurement) {
  const Measured& phi = kTable[2];
  const Model& m = *FindModel(phi.model);
  const double kaito = 1.07 * phi.weights_gib + 2.3 + static_cast<double>(m.KvBytesPerToken(2)) * phi.tokens / (1 << 30);
  BOOST_CHECK_GT(UsedGiB(phi), kaito);
}

// Each term, as placement.cpp documents it.
BOOST_AUTO_TEST_CASE(the_terms) {
  const Model& m = *FindModel("qwen2.5-7b");  // hidden 3584, vocabulary 152064
  const MemoryTerms t = MemoryPerGpu(m, Widths{}, 2, 4096, {8192, 1024});
  const double gib = 1 << 30;
  BOOST_CHECK_CLOSE(t.weights, 1.02 * m.weights_gib / 2, 1e-9);
  BOOST_CHECK_CLOSE(t.overhead, 0.05 * m.weights_gib / 2 + 2.3, 1e-9);
  BOOST_CHECK_CLOSE(t.activations, 80.0 * 3584 * 8192 / gib, 1e-9);
  BOOST_CHECK_CLOSE(t.logits, 4.0 * 1024 * 152064 / gib, 1e-9);
  BOOST_CHECK_CLOSE(t.graphs, 1.0, 1e-9);
  BOOST_CHECK_CLOSE(t.kv, 57344.0 * 4096 / 2 / gib, 1e-9);
  BOOST_CHECK_CLOSE(t.Total(), t.weights + t.overhead + t.activations + t.logits + t.graphs + t.kv, 1e-9);
}

// Each adapter's slot: A and B for the fused QKV, output, gate/up and down
// projections of every layer, at the rank, in the model's dtype.
BOOST_AUTO_TEST_CASE(lora_adapters_add_their_slots) {
  const Model& m = *FindModel("llama-3.1-8b");  // hidden 4096, KV width 1024, intermediate 14336, 32 layers
  const BatchBudget b{2048, 256};
  const double without = MemoryPerGpuGiB(m, Widths{}, 1, 8192, b);
  const double with = MemoryPerGpuGiB(m, Widths{}, 1, 8192, b, {2, 64});
  const double slot = 64.0 * 32 * (6 * 4096 + 2 * 1024 + 3 * 14336) * 2 / (1 << 30);
  BOOST_CHECK_CLOSE(with - without, 2 * slot, 1e-9);
  BOOST_CHECK_CLOSE(MemoryPerGpu(m, Widths{}, 1, 8192, b, {2, 64}).lora, 2 * slot, 1e-9);
}

BOOST_AUTO_TEST_CASE(batch_budgets_keep_eight_tokens_per_sequence) {
  BOOST_CHECK((BatchBudget::OfTokens(8192) == BatchBudget{8192, 1024}));
  BOOST_CHECK((BatchBudget::OfTokens(2048) == BatchBudget{2048, 256}));
  BOOST_CHECK((BatchBudget::OfTokens(100) == BatchBudget{100, 12}));
  BOOST_CHECK((BatchBudget::OfTokens(65536) == BatchBudget{65536, 1024}));
  BOOST_CHECK((DefaultBatch(79.6, "NVIDIA-H100-80GB-HBM3") == BatchBudget{8192, 1024}));
  BOOST_CHECK((DefaultBatch(139.8, "NVIDIA-H200") == BatchBudget{8192, 1024}));
  BOOST_CHECK((DefaultBatch(79.3, "NVIDIA-A100-SXM4-80GB") == BatchBudget{2048, 256}));
  BOOST_CHECK((DefaultBatch(44.4, "NVIDIA-L40S") == BatchBudget{2048, 256}));
}

BOOST_AUTO_TEST_SUITE_END()
