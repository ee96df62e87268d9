#include "plugin/completion.h"

#include <algorithm>

#include "gpu/catalog.h"
#include "plugin/app.h"

namespace lm {
namespace {

constexpr char kNoFileComp[] = ":4";

struct FlagSpec {
  const char* name;
  bool takes_value;
};

const FlagSpec kGlobalFlags[] = {
    {"--kubeconfig", true}, {"--context", true},     {"--cluster", true},    {"--user", true},
    {"--namespace", true},  {"--server", true},      {"--token", true},      {"--as", true},
    {"--as-group", true},   {"--request-timeout", true}, {"--insecure-skip-tls-verify", false}, {"-v", true},
};

std::vector<FlagSpec> CommandFlags(const std::string& command) {
  const std::vector<FlagSpec> plan = {{"--tensor-parallel", true}, {"--context-length", true}, {"--dtype", true},
                                      {"--replicas", true}, {"--node", true}, {"--gpu-memory-utilization", true}};
  if (command == "deploy") {
    std::vector<FlagSpec> f = plan;
    for (FlagSpec s : {FlagSpec{"--name", true}, {"--image", true}, {"--hf-token-secret", true},
                       {"--hf-token-from-env", false}, {"--cache-size", true}, {"--storage-class", true},
                       {"--expose", true}, {"--dry-run", true}, {"--output", true}, {"--wait", false},
                       {"--timeout", true}, {"--field-manager", true}, {"--force-conflicts", false}}) {
      f.push_back(s);
    }
    return f;
  }
  if (command == "models") {
    std::vector<FlagSpec> f = plan;
    f.push_back({"--fits", false});
    f.push_back({"--output", true});
    return f;
  }
  if (command == "nodes") return {{"--all", false}, {"--output", true}};
  if (command == "status") return {{"--all-namespaces", false}, {"--watch", false}, {"--output", true}};
  if (command == "delete") return {{"--dry-run", true}};
  if (command == "logs") return {{"--follow", false}, {"--tail", true}, {"--previous", false}};
  if (command == "chat") return {{"--no-stream", false}, {"--system", true}, {"--max-tokens", true}};
  if (command == "version") return {{"--client", false}, {"--output", true}};
  return {};
}

bool TakesValue(const std::string& command, const std::string& flag) {
  if (flag == "-n" || flag == "-s" || flag == "-o") return true;
  for (const auto& f : kGlobalFlags) if (flag == f.name) return f.takes_value;
  for (const auto& f : CommandFlags(command)) if (flag == f.name) return f.takes_value;
  return false;
}

void AddMatching(std::vector<std::string>& out, const std::vector<std::string>& candidates, const std::string& word) {
  for (const auto& c : candidates) {
    if (c.rfind(word, 0) == 0) out.push_back(c);
  }
}

}  // namespace

std::vector<std::string> Complete(const std::vector<std::string>& args, const std::string& word,
                                  const CompletionSources& sources) {
  std::vector<std::string> out;
  // The command is the first argument that is neither a flag nor a flag's value.
  std::string command;
  std::vector<std::string> positionals;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!a.empty() && a[0] == '-') {
      if (a.find('=') == std::string::npos && TakesValue(command, a)) ++i;
      continue;
    }
    if (command.empty()) command = a;
    else positionals.push_back(a);
  }
  const std::string previous = args.empty() ? "" : args.back();
  auto safe = [](const std::function<std::vector<std::string>()>& f) { return f ? f() : std::vector<std::string>{}; };

  // The value of the flag just typed.
  if (!previous.empty() && previous[0] == '-' && previous.find('=') == std::string::npos &&
      TakesValue(command, previous)) {
    if (previous == "-o" || previous == "--output") {
      AddMatching(out, {"json", "yaml", "wide"}, word);
    } else if (previous == "--node") {
      AddMatching(out, safe(sources.nodes), word);
    } else if (previous == "--dtype") {
      AddMatching(out, {"bfloat16", "float16", "float32"}, word);
    } else if (previous == "--expose") {
      AddMatching(out, {"ClusterIP", "NodePort", "LoadBalancer"}, word);
    } else if (previous == "--dry-run") {
      AddMatching(out, {"client", "server", "none"}, word);
    }
    out.push_back(kNoFileComp);
    return out;
  }
  if (!word.empty() && word[0] == '-') {
    std::vector<std::string> flags;
    for (const auto& f : CommandFlags(command)) flags.push_back(f.name);
    for (const auto& f : kGlobalFlags) flags.push_back(f.name);
    AddMatching(out, flags, word);
    out.push_back(kNoFileComp);
    return out;
  }
  if (command.empty()) {
    for (const Command& c : Commands()) {
      std::string name = c.name;
      if (name.rfind(word, 0) == 0) out.push_back(name + "\t" + c.summary);
    }
  } else if ((command == "deploy" || command == "models") && positionals.empty()) {
    for (const auto& m : gpu::Catalog()) {
      if (m.name.rfind(word, 0) == 0) out.push_back(m.name + "\t" + m.repo);
    }
  } else if ((command == "status" || command == "delete" || command == "logs" || command == "chat") &&
             positionals.empty()) {
    AddMatching(out, safe(sources.deployments), word);
  } else if (command == "help" && positionals.empty()) {
    for (const Command& c : Commands()) {
      if (std::string(c.name).rfind(word, 0) == 0) out.push_back(c.name);
    }
  } else if (command == "completion" && positionals.empty()) {
    AddMatching(out, {"bash", "zsh"}, word);
  }
  out.push_back(kNoFileComp);
  return out;
}

std::string CompletionScript(const std::string& shell) {
  // Both ask the binary itself, as kubectl asks kubectl_complete-lm.
  if (shell == "bash") {
    return R"(# kubectl-lm bash completion: source <(kubectl-lm completion bash)
_kubectl_lm() {
  local cur=${COMP_WORDS[COMP_CWORD]} line
  local -a out
  mapfile -t out < <(kubectl-lm __complete "${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null)
  COMPREPLY=()
  for line in "${out[@]}"; do
    [[ $line == :* ]] && continue
    COMPREPLY+=("${line%%$'\t'*}")
  done
}
complete -F _kubectl_lm kubectl-lm
)";
  }
  if (shell == "zsh") {
    return R"(#compdef kubectl-lm
# kubectl-lm zsh completion: source <(kubectl-lm completion zsh)
_kubectl_lm() {
  local -a out candidates
  out=("${(@f)$(kubectl-lm __complete "${(@)words[2,CURRENT-1]}" "${words[CURRENT]}" 2>/dev/null)}")
  for line in "${out[@]}"; do
    [[ $line == :* ]] && continue
    candidates+=("${line%%$'\t'*}")
  done
  compadd -- "${candidates[@]}"
}
compdef _kubectl_lm kubectl-lm
)";
  }
  return "";
}

}  // namespace lm
