// A model server's log, as any pod may write it: split into timestamped
// lines and read for vLLM's start-up steps. Never throws, never crashes.
#include <cstdint>
#include <string_view>

#include "gpu/startup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gpu::ReadStartup(gpu::SplitTimestampedLog(std::string_view(reinterpret_cast<const char*>(data), size)));
  return 0;
}
