// SIGINT and SIGTERM while a command changes the cluster. The first signal
// asks the executor to stop after the step in flight and undo this run's
// changes; a second exits at once (status 130), printing what is left on
// the cluster. Outside the act phase the signals keep their default
// action: Ctrl-C ends `status --watch` or `logs -f` as it always did.
#pragma once

#include <memory>
#include <string>

namespace lm {

class Interrupts {
 public:
  virtual ~Interrupts() = default;
  // True once an interrupt has been asked for.
  virtual bool Requested() = 0;
  // What a second interrupt would leave behind, in one line ("" = nothing).
  virtual void SetLeftBehind(const std::string& text) = 0;
};

// Catches SIGINT and SIGTERM for as long as the returned object lives, and
// restores the previous handlers after.
std::unique_ptr<Interrupts> CatchSignals();

}  // namespace lm
