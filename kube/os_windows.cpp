// kube/os.h for Windows (and RealProcessRunner): UTF-16 at the system's
// edge, UTF-8 everywhere else.
#include "kube/os.h"

#include <io.h>
#include <windows.h>

#include <algorithm>
#include <chrono>

#include "kube/exec_credential.h"

namespace kube {
namespace os {
namespace {

std::wstring Wide(const std::string& s) {
  if (s.empty()) return {};
  int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}

std::string Narrow(const wchar_t* w, size_t len) {
  if (len == 0) return {};
  int n = WideCharToMultiByte(CP_UTF8, 0, w, static_cast<int>(len), nullptr, 0, nullptr, nullptr);
  std::string s(static_cast<size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, w, static_cast<int>(len), s.data(), n, nullptr, nullptr);
  return s;
}

std::string LastError() {
  wchar_t* buf = nullptr;
  DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                           nullptr, GetLastError(), 0, reinterpret_cast<wchar_t*>(&buf), 0, nullptr);
  std::string s = Narrow(buf, n);
  LocalFree(buf);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == '.')) s.pop_back();
  return s;
}

}  // namespace

std::string HomeDir(const Getenv& env, const FileSystem& fs) {
  std::string home = env("HOME").value_or("");
  std::string drive = env("HOMEDRIVE").value_or(""), path = env("HOMEPATH").value_or("");
  std::string drive_path = !drive.empty() && !path.empty() ? drive + path : "";
  std::string profile = env("USERPROFILE").value_or("");
  for (const std::string& p : {home, drive_path, profile}) {
    if (!p.empty() && fs.Exists(JoinPath(p, ".kube\\config"))) return p;
  }
  for (const std::string& p : {home, profile, drive_path}) {
    if (!p.empty()) return p;
  }
  return "";
}

std::vector<std::string> Environment() {
  std::vector<std::string> all;
  wchar_t* block = GetEnvironmentStringsW();
  if (!block) return all;
  for (const wchar_t* p = block; *p; p += wcslen(p) + 1) {
    if (*p == L'=') continue;  // the per-drive current directories ("=C:=C:\...")
    all.push_back(Narrow(p, wcslen(p)));
  }
  FreeEnvironmentStringsW(block);
  return all;
}

std::vector<std::string> Arguments(int, char**) {
  std::vector<std::string> args;
  int n = 0;
  wchar_t** w = CommandLineToArgvW(GetCommandLineW(), &n);
  for (int i = 1; w && i < n; ++i) args.push_back(Narrow(w[i], wcslen(w[i])));
  LocalFree(w);
  return args;
}

bool IsTerminal(int fd) { return _isatty(fd) != 0; }

void PrepareConsole() {
  SetConsoleOutputCP(CP_UTF8);
  // Let the console interpret nothing but text: kubectl-lm prints no
  // escape sequences, and strips those that come from servers.
}

}  // namespace os

namespace {

// Go's syscall.EscapeArg: how CreateProcess's command line keeps each
// argument whole for the program's C runtime to split again.
void AppendArg(std::wstring& line, const std::wstring& s) {
  if (!line.empty()) line += L' ';
  if (s.empty()) { line += L"\"\""; return; }
  bool needs_backslash = s.find_first_of(L"\"\\") != std::wstring::npos;
  bool has_space = s.find_first_of(L" \t") != std::wstring::npos;
  if (!needs_backslash && !has_space) { line += s; return; }
  if (!needs_backslash) { line += L'"' + s + L'"'; return; }
  if (has_space) line += L'"';
  size_t slashes = 0;
  for (wchar_t c : s) {
    if (c == L'\\') {
      ++slashes;
    } else {
      if (c == L'"') line.append(slashes + 1, L'\\');
      slashes = 0;
    }
    line += c;
  }
  if (has_space) { line.append(slashes, L'\\'); line += L'"'; }
}

bool IsFile(const std::wstring& path) {
  DWORD a = GetFileAttributesW(path.c_str());
  return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY);
}

std::wstring Lower(std::wstring s) {
  std::transform(s.begin(), s.end(), s.begin(), [](wchar_t c) { return static_cast<wchar_t>(towlower(c)); });
  return s;
}

// A variable of the process's environment ("" when unset).
std::wstring EnvW(const wchar_t* name) {
  std::wstring v;
  if (DWORD n = GetEnvironmentVariableW(name, nullptr, 0); n > 0) {
    v.assign(n, L'\0');
    GetEnvironmentVariableW(name, v.data(), n);
    v.resize(n - 1);
  }
  return v;
}

// The non-empty entries of a ';'-separated list (PATH, PATHEXT).
std::vector<std::wstring> SplitList(const std::wstring& s) {
  std::vector<std::wstring> out;
  for (size_t i = 0; i <= s.size();) {
    size_t j = s.find(L';', i);
    if (j == std::wstring::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Go's exec.LookPath on Windows: a name with a separator is tried as it is
// and with each %PATHEXT% extension; a bare name in each %PATH% directory
// (not the current one). "" when nothing is found.
std::wstring LookPath(const std::wstring& file) {
  std::wstring pathext = EnvW(L"PATHEXT");
  std::vector<std::wstring> exts;
  for (const auto& e : SplitList(pathext.empty() ? L".com;.exe;.bat;.cmd" : pathext)) {
    if (e[0] == L'.') exts.push_back(Lower(e));
  }
  auto find = [&](const std::wstring& base) -> std::wstring {
    size_t dot = base.rfind(L'.');
    size_t sep = base.find_last_of(L"\\/");
    bool has_ext = dot != std::wstring::npos && (sep == std::wstring::npos || dot > sep) &&
                   std::find(exts.begin(), exts.end(), Lower(base.substr(dot))) != exts.end();
    if (has_ext && IsFile(base)) return base;
    for (const auto& e : exts) {
      if (IsFile(base + e)) return base + e;
    }
    return L"";
  };
  if (file.find_first_of(L"\\/:") != std::wstring::npos) return find(file);
  for (std::wstring dir : SplitList(EnvW(L"PATH"))) {
    if (dir.size() >= 2 && dir.front() == L'"' && dir.back() == L'"') dir = dir.substr(1, dir.size() - 2);
    if (dir.empty()) continue;
    if (std::wstring found = find(dir + L"\\" + file); !found.empty()) return found;
  }
  return L"";
}

struct Handle {
  HANDLE h = nullptr;
  ~Handle() { if (h && h != INVALID_HANDLE_VALUE) CloseHandle(h); }
};

}  // namespace

Result<ProcessResult> RealProcessRunner::Run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                             bool pass_stdin, std::chrono::milliseconds timeout) {
  std::wstring exe = LookPath(os::Wide(argv[0]));
  if (exe.empty()) return Status(Kind::kNotFound, "executable " + argv[0] + " not found");
  std::wstring line;
  AppendArg(line, exe);
  for (size_t i = 1; i < argv.size(); ++i) AppendArg(line, os::Wide(argv[i]));
  std::wstring block;
  for (const auto& kv : env) block += os::Wide(kv) + L'\0';
  block += L'\0';

  SECURITY_ATTRIBUTES sa{sizeof sa, nullptr, TRUE};
  Handle read_end, write_end, null_in;
  if (!CreatePipe(&read_end.h, &write_end.h, &sa, 0)) return Status(Kind::kCredential, "pipe: " + os::LastError());
  SetHandleInformation(read_end.h, HANDLE_FLAG_INHERIT, 0);
  STARTUPINFOW si{};
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdOutput = write_end.h;
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  if (pass_stdin) {
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  } else {
    null_in.h = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0, nullptr);
    si.hStdInput = null_in.h;
  }
  PROCESS_INFORMATION pi{};
  if (!CreateProcessW(exe.c_str(), line.data(), nullptr, nullptr, TRUE, CREATE_UNICODE_ENVIRONMENT, block.data(),
                      nullptr, &si, &pi)) {
    return Status(Kind::kCredential, "exec " + argv[0] + ": " + os::LastError());
  }
  Handle process{pi.hProcess}, thread{pi.hThread};
  CloseHandle(write_end.h);
  write_end.h = nullptr;

  // One thread: take what the pipe holds, then look whether the plugin has
  // ended, until the deadline. Once it has ended, what is left in the pipe
  // is read and the rest (a child it left behind) is not waited for.
  ProcessResult r;
  std::string failure;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[8192];
  for (bool ended = false;;) {
    DWORD avail = 0;
    bool pipe_open = PeekNamedPipe(read_end.h, nullptr, 0, nullptr, &avail, nullptr);
    if (avail > 0) {
      DWORD n = 0;
      if (ReadFile(read_end.h, buf, std::min<DWORD>(avail, sizeof buf), &n, nullptr) && n > 0) r.out.append(buf, n);
      if (r.out.size() > kMaxPluginOutput) {
        failure = PluginWroteTooMuch();
        break;
      }
      continue;
    }
    if (ended || !pipe_open) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = PluginTimedOut(timeout);
      break;
    }
    ended = WaitForSingleObject(process.h, static_cast<DWORD>(std::min<long long>(left.count(), 10))) == WAIT_OBJECT_0;
  }
  if (!failure.empty()) {
    TerminateProcess(process.h, 1);
    WaitForSingleObject(process.h, INFINITE);
    return Status(Kind::kCredential, "exec: executable " + argv[0] + " " + failure);
  }
  WaitForSingleObject(process.h, INFINITE);
  DWORD code = 0;
  GetExitCodeProcess(process.h, &code);
  r.exit_code = static_cast<int>(code);
  return r;
}

}  // namespace kube
