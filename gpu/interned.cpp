#include "gpu/interned.h"

#include <mutex>
#include <unordered_set>

namespace gpu {
namespace {

// A node-based set: its strings never move, so pointers to them stay good.
struct Pool {
  std::mutex mu;
  std::unordered_set<std::string> strings;
};

Pool& ThePool() {
  static Pool* pool = new Pool;  // never destroyed: records may outlive static destruction
  return *pool;
}

const std::string& Empty() {
  static const std::string* empty = new std::string;
  return *empty;
}

}  // namespace

Interned::Interned() : s_(&Empty()) {}

Interned::Interned(std::string_view s) {
  if (s.empty()) {
    s_ = &Empty();
    return;
  }
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mu);
  s_ = &*pool.strings.insert(std::string(s)).first;
}

}  // namespace gpu
