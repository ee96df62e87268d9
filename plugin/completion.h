// Shell completion. kubectl (1.26+) runs `kubectl_complete-lm ARGS... WORD`
// for `kubectl lm ARGS... WORD<TAB>` and reads one candidate per line
// (`value<TAB>description` allowed) and a last line `:<directive>` (cobra's
// ShellCompDirective: 4 = no file completion). `kubectl lm completion bash|zsh`
// prints a script that does the same for kubectl-lm run directly.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace lm {

// Names that only the cluster knows; empty when it cannot be asked.
struct CompletionSources {
  std::function<std::vector<std::string>()> deployments;
  std::function<std::vector<std::string>()> nodes;
};

// Pure: the arguments before the word being completed, and the word.
// Returns the lines to print, directive included.
std::vector<std::string> Complete(const std::vector<std::string>& args, const std::string& word,
                                  const CompletionSources& sources);

// The script for `kubectl lm completion SHELL`, or "" for an unknown shell.
std::string CompletionScript(const std::string& shell);

}  // namespace lm
