// The GPU inventory and placement on any JSON a server could send as a
// Node or a Pod: the readers never throw, counts never go negative, and
// planning ends.
#include <cstdint>
#include <string>

#include <boost/json.hpp>

#include "gpu/catalog.h"
#include "gpu/inventory.h"
#include "gpu/placement.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !v.is_object()) return 0;
  gpu::InventoryBuilder b;
  b.AddNode(v.as_object());
  b.AddPod(v.as_object());
  auto nodes = b.Finish();
  for (const auto& n : nodes) {
    if (n.allocatable() < 0 || n.free() < 0 || n.requested() < 0) __builtin_trap();
  }
  gpu::PlanRequest r;
  r.model = gpu::FindModel("llama-3.3-70b");
  gpu::PlanPlacement(r, nodes);
  return 0;
}
