#include "kube/filesystem.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <filesystem>

namespace kube {

namespace {

// A UTF-8 path as the system's (UTF-16 on Windows).
std::filesystem::path Native(const std::string& path) {
  return std::filesystem::path(std::u8string(path.begin(), path.end()));
}

}  // namespace

Result<std::string> RealFileSystem::Read(const std::string& path) const {
  // Looked at before it is opened: opening a FIFO blocks until a writer
  // comes, and /dev/zero or a directory never ends well.
  std::error_code ec;
  auto st = std::filesystem::status(Native(path), ec);
  if (ec || st.type() == std::filesystem::file_type::not_found) {
    if (st.type() == std::filesystem::file_type::not_found || ec == std::errc::no_such_file_or_directory) {
      return Status(Kind::kNotFound, "open " + path + ": no such file or directory");
    }
    return Status(Kind::kInvalidConfig, "open " + path + ": " + ec.message());
  }
  if (st.type() != std::filesystem::file_type::regular) {
    return Status(Kind::kInvalidConfig, "read " + path + ": not a regular file");
  }
  auto size = std::filesystem::file_size(Native(path), ec);
  if (ec) return Status(Kind::kInvalidConfig, "open " + path + ": " + ec.message());
  if (size > static_cast<uintmax_t>(kMaxFileBytes)) {
    return Status(Kind::kInvalidConfig, "read " + path + ": larger than " + std::to_string(kMaxFileBytes >> 20) +
                                            " MiB, which no kubeconfig, token or certificate is");
  }
  std::ifstream in(Native(path), std::ios::binary);
  if (!in) return Status(Kind::kInvalidConfig, "open " + path + ": " + std::strerror(errno));
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<size_t>(in.gcount()));  // the file may have shrunk since
  return text;
}

bool RealFileSystem::Exists(const std::string& path) const {
  std::error_code ec;
  return std::filesystem::exists(Native(path), ec);
}

std::string MemoryFileSystem::Key(std::string path) {
#ifdef _WIN32
  for (char& c : path) {
    if (c == '\\') c = '/';
  }
#endif
  return path;
}

Result<std::string> MemoryFileSystem::Read(const std::string& path) const {
  auto it = files_.find(Key(path));
  if (it == files_.end()) return Status(Kind::kNotFound, "open " + path + ": no such file or directory");
  return it->second;
}

}  // namespace kube
