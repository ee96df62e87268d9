#include "kube/filesystem.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace kube {

Result<std::string> RealFileSystem::Read(const std::string& path) const {
  // Looked at before it is opened: opening a FIFO blocks until a writer
  // comes, and /dev/zero or a directory never ends well.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT) return Status(Kind::kNotFound, "open " + path + ": no such file or directory");
    return Status(Kind::kInvalidConfig, "open " + path + ": " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) return Status(Kind::kInvalidConfig, "read " + path + ": not a regular file");
  if (st.st_size > kMaxFileBytes) {
    return Status(Kind::kInvalidConfig, "read " + path + ": larger than " + std::to_string(kMaxFileBytes >> 20) +
                                            " MiB, which no kubeconfig, token or certificate is");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Kind::kInvalidConfig, "open " + path + ": " + std::strerror(errno));
  std::string text(static_cast<size_t>(st.st_size), '\0');
  in.read(text.data(), st.st_size);
  text.resize(static_cast<size_t>(in.gcount()));  // the file may have shrunk since
  return text;
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
