// A fixed environment for kube::Getenv, for tests.
#pragma once

#include <map>
#include <optional>
#include <boost/test/unit_test.hpp>

#include <initializer_list>
#include <string>

#include "kube/os.h"

inline kube::Getenv EnvOf(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// A KUBECONFIG list, joined as this platform joins it (':', ';' on Windows).
inline std::string ListOf(std::initializer_list<std::string> paths) {
  std::string out;
  for (const std::string& p : paths) out += (out.empty() ? "" : std::string(1, kube::os::kListSeparator)) + p;
  return out;
}

// A path as this platform writes it after cleaning ('\' on Windows).
inline std::string Native(std::string path) {
  for (char& c : path) {
    if (c == '/') c = kube::os::kPathSeparator;
  }
  return path;
}

// On Windows a path without a drive ("/tmp/ca") is not absolute (Go's
// filepath.IsAbs agrees), so it is resolved against the kubeconfig's folder:
// the cases built on POSIX absolute paths run everywhere else, and their
// Windows twins (with C:\) run on Windows.
#ifdef _WIN32
inline constexpr bool kWindows = true;
#else
inline constexpr bool kWindows = false;
#endif
inline auto PosixPaths() { return boost::unit_test::enable_if<!kWindows>(); }
inline auto WindowsPaths() { return boost::unit_test::enable_if<kWindows>(); }
