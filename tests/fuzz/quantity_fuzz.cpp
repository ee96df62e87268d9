// Quantity parsing and arithmetic on any text: values saturate, never
// overflow (UBSan would report it).
#include <cstdint>
#include <string>

#include "kube/quantity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto q = kube::Quantity::Parse(text);
  if (!q.ok()) return 0;
  kube::Quantity sum = *q + *q + *q;
  (void)sum.Value();
  (void)q->MilliValue();
  (void)(sum - *q).Value();
  return 0;
}
