// The command line on any arguments (NUL-separated): the global flags, a
// command's flag table, durations and numbers. Never throws, never crashes.
#include <cstdint>
#include <string>
#include <vector>

#include "plugin/deploy.h"
#include "plugin/options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> argv(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) argv.emplace_back();
    else argv.back() += static_cast<char>(data[i]);
  }
  auto inv = lm::ParseArgs(argv);
  if (inv.ok()) lm::ParseDeployArgs(inv->args);
  for (const auto& a : argv) {
    lm::ParseTimeout(a);
    lm::ParseCount(a, 1 << 20);
    lm::ParsePositive(a, 1);
  }
  return 0;
}
