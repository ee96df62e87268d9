// kubectl-lm: kubectl finds this binary on PATH and runs it for "kubectl lm".
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "kube/os.h"
#include "plugin/app.h"

int main(int argc, char** argv) {
  kube::os::PrepareConsole();
  std::vector<std::string> args = kube::os::Arguments(argc, argv);
  // kubectl runs kubectl_complete-lm (a link to this binary) to complete
  // "kubectl lm ..." on the command line.
  std::string self = argc > 0 ? argv[0] : "";
  if (self.size() > 4 && (self.ends_with(".exe") || self.ends_with(".EXE"))) self.resize(self.size() - 4);
  bool completing = self.ends_with("kubectl_complete-lm");
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
