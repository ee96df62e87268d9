// The Hugging Face Hub, asked before deploy changes anything: does the repo
// exist, and may the token read it? A wrong repo id or a token without
// access would otherwise show only minutes later, as a 401 in the server's
// log. The same answer carries the repo's safetensors size.
#pragma once

#include <optional>
#include <string>

#include "kube/client.h"
#include "kube/log.h"
#include "kube/status.h"

namespace lm {

inline constexpr char kDefaultHubEndpoint[] = "https://huggingface.co";

struct HubModel {
  bool gated = false;
  std::optional<double> weights_gib;   // from safetensors.parameters, by dtype
  std::optional<double> params_b;      // safetensors.total
};

// Reads GET /api/models/REPO's answer. 401, 403 and 404 become one-line
// refusals (kForbidden, kNotFound) saying which it is and what to do;
// `had_token` tells a refused token from none. Pure.
kube::Result<HubModel> ReadHubModel(int status, const std::string& body, const std::string& repo,
                                    const std::string& endpoint, bool had_token);
// Reads the answer to HEAD /REPO/resolve/main/FILE for a gated repo: the
// model's metadata is public, its files are not, so this is where a token
// that was never granted access is refused (huggingface.js#945: the API no
// longer refuses such tokens on metadata).
kube::Status ReadHubFileAccess(int status, const std::string& repo, const std::string& endpoint, bool had_token);

// Asks the Hub at $HF_ENDPOINT (default https://huggingface.co) through
// `deps.transport`, with the system's CA roots ($SSL_CERT_FILE honoured)
// and proxy settings. A Hub that cannot be reached is kConnection: the
// caller warns and goes on. The token is sent only in the Authorization
// header and never logged.
// -v=6 logs each request's method, URL and status, as for the API server.
kube::Result<HubModel> AskHub(const kube::ClientDeps& deps, const kube::Logger& log, const std::string& repo,
                              const std::string& token);

// GET /REPO/resolve/main/FILE on the Hub: the file's text. A file that is
// not there (404) or not readable with `token` is an error naming it.
kube::Result<std::string> AskHubFile(const kube::ClientDeps& deps, const kube::Logger& log, const std::string& repo,
                                     const std::string& file, const std::string& token);

// A PEFT adapter_config.json's rank ("r"), when it says one.
std::optional<int> LoraRankOf(const std::string& adapter_config);

// A gated model asked for with no token at all: the one-line refusal that
// says how to get access and pass a token (deploy, pull).
kube::Status GatedNeedsToken(const std::string& name, const std::string& repo);

// The --hf-token-secret Secret must exist before anything changes; one this
// user may not read is left to the pod.
kube::Status CheckTokenSecret(kube::Client& client, const std::string& ns, const std::string& secret);

struct App;

// A Secret's NAME[:KEY] as a flag gives it (--hf-token-secret for deploy
// and pull, --api-key-secret): sets `secret` and `key` (left as it is
// without ":KEY"); the flag's error, or "".
std::string SetSecretRef(const std::string& flag, const std::string& value, std::string& secret, std::string& key);
inline std::string SetTokenSecret(const std::string& value, std::string& secret, std::string& key) {
  return SetSecretRef("hf-token-secret", value, secret, key);
}

// The token deploy or pull will hand the pod: $HF_TOKEN (with
// --hf-token-from-env), or the value of the --hf-token-secret Secret.
struct HubToken {
  std::string value;
  std::string secret, key = "token";
};

// Before anything changes: asks the Hub about `repo` with the token the pod
// will have (the Secret's value when this user may read it). A refusal is
// the error to return; a Hub out of reach, --skip-hub-check (`skip`), or a
// Secret this user may not read (whose token the pod may still have) warns
// and gives nothing.
kube::Result<std::optional<HubModel>> CheckRepo(App& app, kube::Client& client, const std::string& ns,
                                                const std::string& repo, const HubToken& token, bool skip);

}  // namespace lm
