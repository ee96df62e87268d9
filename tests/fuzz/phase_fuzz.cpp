// The status phase reader on any JSON: [deployment, [pods...], [events...]].
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "plugin/phase.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !v.is_array() || v.as_array().size() != 3 || !v.as_array()[0].is_object()) return 0;
  std::vector<boost::json::object> pods, events;
  for (int i : {1, 2}) {
    if (!v.as_array()[i].is_array()) return 0;
    for (const auto& o : v.as_array()[i].as_array()) {
      if (o.is_object()) (i == 1 ? pods : events).push_back(o.as_object());
    }
  }
  lm::Phase p = lm::DerivePhase(v.as_array()[0].as_object(), pods, events);
  if (p.phase == "Ready" && p.ready_replicas < p.replicas) __builtin_trap();  // never Ready unless all are
  return 0;
}
