// Exec credential plugins (client.authentication.k8s.io/v1 and v1beta1), as
// client-go's plugin/pkg/client/auth/exec runs them: argv without a shell,
// the parent environment plus the configured env and KUBERNETES_EXEC_INFO,
// stderr passed through, stdin only when interactive; credentials cached
// until expirationTimestamp.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kube/kubeconfig.h"
#include "kube/status.h"

namespace kube {

using Clock = std::function<std::chrono::system_clock::time_point()>;

struct Credential {
  std::string token;
  std::string client_cert_pem, client_key_pem;
  std::optional<std::chrono::system_clock::time_point> expiry;  // none = never expires
};

struct ProcessResult {
  int exit_code = 0;
  std::string out;  // stdout
};

// The most an exec plugin may write to stdout: an ExecCredential with a
// certificate and key is a few KiB.
inline constexpr size_t kMaxPluginOutput = 1u << 20;

// How long an exec plugin may run. client-go waits forever; a plugin that
// hangs (a dead network, a prompt nobody sees) would hang kubectl-lm with
// it. Two minutes is ample for a token; an interactive login (a browser,
// a device code) gets ten. KUBECTL_LM_EXEC_TIMEOUT (a duration) overrides.
inline constexpr std::chrono::seconds kExecTimeout{120};
inline constexpr std::chrono::seconds kInteractiveExecTimeout{600};

// Spawns processes: the seam that lets tests run the exec protocol in memory.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Runs argv[0] (looked up on PATH when it has no '/') with exactly `env`
  // ("NAME=value") and no shell. Returns kNotFound when the executable does
  // not exist; kills it, and returns an error, when it runs past `timeout`
  // or writes more than kMaxPluginOutput.
  virtual Result<ProcessResult> Run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                    bool pass_stdin, std::chrono::milliseconds timeout) = 0;
};

// How RealProcessRunner (os_posix.cpp, os_windows.cpp) says a plugin broke
// a bound: after "exec: executable NAME ".
std::string PluginTimedOut(std::chrono::milliseconds timeout);
std::string PluginWroteTooMuch();

class RealProcessRunner : public ProcessRunner {
 public:
  Result<ProcessResult> Run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                            bool pass_stdin, std::chrono::milliseconds timeout) override;
};

// The KUBERNETES_EXEC_INFO document for this call.
std::string ExecInfoJson(const ExecConfig& exec, bool interactive, const std::string& cluster_json);

// Checks and decodes a plugin's stdout (exec.go 478-515).
Result<Credential> ParseExecCredential(const ExecConfig& exec, std::string_view out);

class ExecProvider {
 public:
  // `timeout` 0: kExecTimeout, or kInteractiveExecTimeout when interactive.
  ExecProvider(ExecConfig exec, std::string cluster_json, ProcessRunner* runner, Environ environment, Clock clock,
               bool stdin_is_terminal, std::chrono::milliseconds timeout = {});

  // Returns the cached credential while it is valid, else runs the plugin.
  Result<Credential> Get();
  // Forgets the cached credential (after a 401), so that Get runs the plugin.
  void Invalidate() { cached_.reset(); }
  // How many times the plugin has run: for tests and -v logging.
  int runs() const { return runs_; }

 private:
  ExecConfig exec_;
  std::string cluster_json_;
  ProcessRunner* runner_;
  Environ environ_;  // inherited by the plugin, as client-go's os.Environ()
  Clock clock_;
  bool stdin_is_terminal_;
  std::chrono::milliseconds timeout_;
  std::optional<Credential> cached_;
  int runs_ = 0;
};

}  // namespace kube
