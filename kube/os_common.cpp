// The parts of kube/os.h that are one rule with a per-platform separator.
#include "kube/os.h"

#include <cctype>

namespace kube::os {

bool IsPathSeparator(char c) {
#ifdef _WIN32
  return c == '\\' || c == '/';
#else
  return c == '/';
#endif
}

namespace {

// "C:" or "\\host\share" at the start of a Windows path; "" elsewhere.
size_t VolumeLength(std::string_view p) {
#ifdef _WIN32
  if (p.size() >= 2 && std::isalpha(static_cast<unsigned char>(p[0])) && p[1] == ':') return 2;
  if (p.size() >= 2 && IsPathSeparator(p[0]) && IsPathSeparator(p[1])) {  // UNC: \\host\share
    size_t host_end = p.find_first_of("\\/", 2);
    if (host_end == std::string_view::npos) return p.size();
    size_t share_end = p.find_first_of("\\/", host_end + 1);
    return share_end == std::string_view::npos ? p.size() : share_end;
  }
#endif
  return 0;
}

// Go's filepath.Clean: no ".", no "x/..", no doubled separators.
std::string Clean(const std::string& path) {
  size_t vol = VolumeLength(path);
  std::string volume = path.substr(0, vol);
  std::string_view rest = std::string_view(path).substr(vol);
  bool rooted = !rest.empty() && IsPathSeparator(rest[0]);
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < rest.size()) {
    size_t j = i;
    while (j < rest.size() && !IsPathSeparator(rest[j])) ++j;
    std::string part(rest.substr(i, j - i));
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (part != ".." || !rooted) {
      parts.push_back(part);  // ".." above the root is the root
    }
  }
  std::string out = volume + (rooted ? std::string(1, kPathSeparator) : "");
  for (size_t k = 0; k < parts.size(); ++k) out += (k ? std::string(1, kPathSeparator) : "") + parts[k];
  return out.empty() ? "." : out;
}

}  // namespace

bool IsAbsolutePath(std::string_view path) {
#ifdef _WIN32
  size_t vol = VolumeLength(path);
  if (vol > 2) return true;  // UNC
  return vol == 2 && path.size() > 2 && IsPathSeparator(path[2]);
#else
  return !path.empty() && path[0] == '/';
#endif
}

std::string DirName(const std::string& path) {
  size_t vol = VolumeLength(path);
  size_t i = path.size();
  while (i > vol && !IsPathSeparator(path[i - 1])) --i;
  std::string dir = path.substr(0, i);
  return dir.size() == vol ? (vol ? dir + "." : ".") : Clean(dir);
}

// As Go's filepath.Join: after a trailing separator, the next element's
// leading separators are dropped (so "\\" and "tok" never make the UNC path
// "\\\\tok" on Windows), and after a drive's colon no separator is added
// ("C:" and "f" are "C:f", relative to that drive's current folder).
std::string JoinPath(const std::string& dir, const std::string& rel) {
  if (dir.empty()) return Clean(rel);
  if (rel.empty()) return Clean(dir);
  if (IsPathSeparator(dir.back())) {
    size_t skip = 0;
    while (skip < rel.size() && IsPathSeparator(rel[skip])) ++skip;
    return Clean(dir + rel.substr(skip));
  }
#ifdef _WIN32
  if (dir.back() == ':') return Clean(dir + rel);
#endif
  return Clean(dir + kPathSeparator + rel);
}

}  // namespace kube::os
