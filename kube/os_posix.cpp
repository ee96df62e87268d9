// kube/os.h for Linux and macOS (and RealProcessRunner).
#include "kube/os.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kube/exec_credential.h"

#ifdef __APPLE__
extern char** environ;  // declared by no macOS header; defined for executables
#endif

namespace kube {
namespace os {

std::string HomeDir(const Getenv& env, const FileSystem&) { return env("HOME").value_or(""); }

std::vector<std::string> Environment() {
  std::vector<std::string> all;
  for (char** e = environ; e && *e; ++e) all.emplace_back(*e);
  return all;
}

std::vector<std::string> Arguments(int argc, char** argv) { return {argv + (argc > 0 ? 1 : 0), argv + argc}; }

bool IsTerminal(int fd) { return ::isatty(fd) != 0; }

void PrepareConsole() {}

}  // namespace os

Result<ProcessResult> RealProcessRunner::Run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                             bool pass_stdin, std::chrono::milliseconds timeout) {
  int out[2];
  // pipe + FD_CLOEXEC rather than pipe2, which macOS lacks; nothing else
  // runs a process meanwhile (the plugin is single-threaded).
  if (::pipe(out) != 0) return Status(Kind::kCredential, std::string("pipe: ") + std::strerror(errno));
  for (int fd : out) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  if (!pass_stdin) posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> av, ev;
  for (auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
  av.push_back(nullptr);
  for (auto& e : env) ev.push_back(const_cast<char*>(e.c_str()));
  ev.push_back(nullptr);
  pid_t pid;
  // posix_spawnp searches PATH for a bare name and runs no shell.
  int rc = posix_spawnp(&pid, argv[0].c_str(), &fa, nullptr, av.data(), ev.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    if (rc == ENOENT) return Status(Kind::kNotFound, "executable " + argv[0] + " not found");
    return Status(Kind::kCredential, "exec " + argv[0] + ": " + std::strerror(rc));
  }
  ProcessResult r;
  char buf[8192];
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string failure;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{out[0], POLLIN, 0};
    int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30))) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      failure = PluginTimedOut(timeout);
      break;
    }
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    r.out.append(buf, n);
    if (r.out.size() > kMaxPluginOutput) {
      failure = PluginWroteTooMuch();
      break;
    }
  }
  ::close(out[0]);
  if (!failure.empty()) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!failure.empty()) return Status(Kind::kCredential, "exec: executable " + argv[0] + " " + failure);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace kube
