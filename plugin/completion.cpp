#include "plugin/completion.h"

#include <algorithm>

#include "gpu/catalog.h"
#include "plugin/app.h"
#include "plugin/flags.h"
#include "plugin/options.h"

namespace lm {
namespace {

constexpr char kNoFileComp[] = ":4";

// The flags `command` accepts: its own table, then the global one.
std::vector<FlagInfo> FlagsOf(const std::string& command) {
  std::vector<FlagInfo> flags;
  for (const Command& c : Commands()) {
    if (command == c.name) flags = c.flags;
  }
  const auto& global = GlobalFlags();
  flags.insert(flags.end(), global.begin(), global.end());
  return flags;
}

// The flag `arg` names when it waits for its value in the next argument.
const FlagInfo* AwaitingValue(const std::string& arg, const std::vector<FlagInfo>& flags) {
  if (arg.size() < 2 || arg[0] != '-') return nullptr;
  FlagMatch m = MatchFlag(arg, flags);
  if (m.index < 0 || m.has_value) return nullptr;
  const FlagInfo& f = flags[m.index];
  return f.takes_value() && f.implicit.empty() ? &f : nullptr;
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
    if (a.size() > 1 && a[0] == '-') {
      if (AwaitingValue(a, FlagsOf(command))) ++i;
      continue;
    }
    if (command.empty()) command = a;
    else positionals.push_back(a);
  }
  const std::vector<FlagInfo> flags = FlagsOf(command);
  auto safe = [](const std::function<std::vector<std::string>()>& f) { return f ? f() : std::vector<std::string>{}; };

  // The value of the flag just typed.
  if (const FlagInfo* f = args.empty() ? nullptr : AwaitingValue(args.back(), flags)) {
    AddMatching(out, f->node_names ? safe(sources.nodes) : f->choices, word);
    out.push_back(kNoFileComp);
    return out;
  }
  if (!word.empty() && word[0] == '-') {
    std::vector<std::string> names;
    for (const auto& f : flags) names.push_back("--" + f.name);
    AddMatching(out, names, word);
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
