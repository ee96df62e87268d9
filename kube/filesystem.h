// kube::FileSystem: the one seam between kube/ and the disk, so that
// kubeconfig loading and token files are tested with in-memory files.
#pragma once

#include <map>
#include <string>

#include "kube/status.h"

namespace kube {

// The largest file read whole: kubeconfigs, token files and PEM files are
// kilobytes; a kubeconfig with many clusters and embedded CAs is a few MiB.
inline constexpr long long kMaxFileBytes = 16LL << 20;

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Returns the whole file, or kNotFound when it does not exist, or
  // kInvalidConfig when it exists but cannot be read, is not a regular
  // file (a directory, a FIFO, a device) or is larger than kMaxFileBytes.
  virtual Result<std::string> Read(const std::string& path) const = 0;
  virtual bool Exists(const std::string& path) const = 0;
};

// The real disk.
class RealFileSystem : public FileSystem {
 public:
  Result<std::string> Read(const std::string& path) const override;
  bool Exists(const std::string& path) const override;
};

// Files held in a map, for tests. On Windows, as there, '/' and '\\' are
// the same separator.
class MemoryFileSystem : public FileSystem {
 public:
  void Add(const std::string& path, std::string contents) { files_[Key(path)] = std::move(contents); }
  Result<std::string> Read(const std::string& path) const override;
  bool Exists(const std::string& path) const override { return files_.count(Key(path)) != 0; }

 private:
  static std::string Key(std::string path);
  std::map<std::string, std::string> files_;
};

}  // namespace kube
