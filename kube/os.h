// What differs between POSIX systems (Linux, macOS) and Windows, in one
// place: paths and lists, the home directory, the environment, terminals,
// arguments, and running a process (RealProcessRunner, kube/exec_credential.h).
// os_posix.cpp and os_windows.cpp implement it; the rest of kube/ and
// plugin/ is the same code everywhere.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kube/filesystem.h"

namespace kube {

// Reads the environment: a seam so tests need not touch the process's.
using Getenv = std::function<std::optional<std::string>(const std::string&)>;

namespace os {

// Separates the entries of KUBECONFIG (Go's filepath.ListSeparator).
#ifdef _WIN32
inline constexpr char kListSeparator = ';';
inline constexpr char kPathSeparator = '\\';
#else
inline constexpr char kListSeparator = ':';
inline constexpr char kPathSeparator = '/';
#endif

// '/' everywhere; '\\' too on Windows.
bool IsPathSeparator(char c);
// As Go's filepath.IsAbs: "/x" on POSIX; "C:\x", "C:/x" or "\\host\share"
// on Windows (where "\x" is relative to the current drive).
bool IsAbsolutePath(std::string_view path);
// The directory part of `path` ("." when it has none).
std::string DirName(const std::string& path);
// `dir` joined with `rel` and cleaned lexically, as Go's filepath.Join.
std::string JoinPath(const std::string& dir, const std::string& rel);

// The user's home directory as client-go finds it (util/homedir.HomeDir):
// $HOME on POSIX; on Windows the first of %HOME%, %HOMEDRIVE%%HOMEPATH% and
// %USERPROFILE% that holds .kube\config, else the first of %HOME%,
// %USERPROFILE% and %HOMEDRIVE%%HOMEPATH% that is set.
std::string HomeDir(const Getenv& env, const FileSystem& fs);

// The process's environment as "NAME=value" lines, in UTF-8.
std::vector<std::string> Environment();
// The command line's arguments after the program name, in UTF-8.
std::vector<std::string> Arguments(int argc, char** argv);
bool IsTerminal(int fd);
// Makes the console show UTF-8 output (Windows; elsewhere nothing to do).
void PrepareConsole();

}  // namespace os
}  // namespace kube
