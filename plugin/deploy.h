// kubectl lm deploy: its arguments as a value (parsed purely, tested as a
// table), and the shared pieces status and delete also use.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "kube/client.h"
#include "kube/status.h"
#include "plugin/flags.h"
#include "plugin/model_flags.h"

namespace lm {

struct DeployOptions {
  std::string model;           // catalog name or repo id
  std::string name;            // default: the model's catalog name
  PlanFlags plan;
  std::string image;           // default: the image this build names
  std::vector<std::string> server_args;  // more vllm serve arguments
  std::vector<std::pair<std::string, std::string>> loras;  // --lora NAME=REPO_OR_PATH
  std::optional<int> max_lora_rank;      // --max-lora-rank
  std::string hf_token_secret, hf_token_key = "token";
  bool hf_token_from_env = false;
  // The key the server requires (vLLM's VLLM_API_KEY, from a Secret): an
  // existing Secret's KEY, or the value of $VAR in a Secret deploy creates.
  std::string api_key_secret, api_key_key = "api-key";
  std::string api_key_from_env;  // VAR
  bool skip_hub_check = false;
  std::string cache_size, storage_class;
  std::optional<bool> cache;   // --cache / --no-cache: the model's pulled cache; unset = when there is one
  std::string expose = "ClusterIP";
  kube::DryRun dry_run = kube::DryRun::kNone;
  std::string output;          // "", yaml, json
  bool wait = false;
  std::chrono::seconds timeout{std::chrono::minutes(30)};
  std::string field_manager = "kubectl-lm";
  bool force_conflicts = false;
};

kube::Result<DeployOptions> ParseDeployArgs(const std::vector<std::string>& args);
// The table ParseDeployArgs reads, and what it does after the flags: the
// MODEL, the checks that span flags, the default image.
std::vector<Flag<DeployOptions>> DeployFlagTable();
kube::Status FinishDeployOptions(DeployOptions& options, const std::vector<std::string>& positionals);
inline constexpr char kDeployNeedsModel[] =
    "deploy needs a MODEL, e.g. kubectl lm deploy phi-3-mini-4k (kubectl lm models lists them)";

// The image deploy uses unless --image says otherwise (set at build time).
std::string DefaultImage();

// True when `s` is a valid name for the objects deploy creates: a DNS-1035
// label short enough that "<name>-cache" and the pods' names still fit.
bool ValidDeploymentName(const std::string& s);

}  // namespace lm
