// kubectl-lm: kubectl finds this binary on PATH and runs it for "kubectl lm".
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "plugin/app.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // kubectl runs kubectl_complete-lm (a link to this binary) to complete
  // "kubectl lm ..." on the command line.
  std::string self = argc > 0 ? argv[0] : "";
  bool completing = self.size() >= 19 && self.compare(self.size() - 19, 19, "kubectl_complete-lm") == 0;
  try {
    const lm::Deps deps = lm::SystemDeps();
    if (completing) return lm::RunComplete(args, deps);
    return lm::Run(args, deps);
  } catch (const std::exception& e) {
    // The one backstop: a bug must still end in one line, never a trace.
    std::cerr << "error: internal error: " << e.what() << " (please report this at the project's issue tracker)\n";
    return lm::kExitError;
  }
}
