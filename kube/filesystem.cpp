#include "kube/filesystem.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace kube {

Result<std::string> RealFileSystem::Read(const std::string& path) const {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT) return Status(Kind::kNotFound, "open " + path + ": no such file or directory");
    return Status(Kind::kInvalidConfig, "open " + path + ": " + std::strerror(err));
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool RealFileSystem::Exists(const std::string& path) const {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Result<std::string> MemoryFileSystem::Read(const std::string& path) const {
  auto it = files_.find(path);
  if (it == files_.end()) return Status(Kind::kNotFound, "open " + path + ": no such file or directory");
  return it->second;
}

}  // namespace kube
