#include "plugin/interrupts.h"

#include <atomic>
#include <csignal>
#include <cstring>

#ifdef _WIN32
#include <io.h>       // _write
#include <process.h>  // _exit
#else
#include <unistd.h>
#endif

namespace lm {
namespace {

// What a second signal prints: two buffers, so that the handler always
// reads a whole one while the other is written. Longer text is cut.
constexpr size_t kLeftBytes = 8192;
char g_left[2][kLeftBytes];
std::atomic<size_t> g_left_len[2];
std::atomic<int> g_left_current{0};
std::atomic<int> g_signals{0};

extern "C" void OnSignal(int sig) {
#ifdef _WIN32
  signal(sig, OnSignal);  // the C runtime resets the handler before calling it
#endif
  if (g_signals.fetch_add(1) == 0) return;  // the first: the executor stops and undoes
  int i = g_left_current.load();
  const char head[] = "\nkubectl-lm: interrupted again, stopping now";
  auto ignored = ::write(2, head, sizeof head - 1);
  size_t n = g_left_len[i].load();
  if (n > 0) ignored = ::write(2, g_left[i], n);
  ignored = ::write(2, "\n", 1);
  (void)ignored;
  ::_exit(130);
}

// SIGINT and SIGTERM; on Windows, Ctrl+C and Ctrl+Break (the C runtime's
// SIGINT and SIGBREAK, delivered on a thread of their own).
class SignalInterrupts : public Interrupts {
 public:
  SignalInterrupts() {
    g_signals = 0;
    SetLeftBehind("");
#ifdef _WIN32
    old_int_ = signal(SIGINT, OnSignal);
    old_break_ = signal(SIGBREAK, OnSignal);
#else
    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
#endif
  }
  ~SignalInterrupts() override {
#ifdef _WIN32
    signal(SIGINT, old_int_);
    signal(SIGBREAK, old_break_);
#else
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
#endif
  }
  bool Requested() override { return g_signals.load() > 0; }
  void SetLeftBehind(const std::string& text) override {
    int next = 1 - g_left_current.load();
    std::string line = text.empty() ? "; nothing of this run is left" : "; left: " + text;
    size_t n = std::min(line.size(), kLeftBytes);
    std::memcpy(g_left[next], line.data(), n);
    g_left_len[next] = n;
    g_left_current = next;
  }

 private:
#ifdef _WIN32
  void (*old_int_)(int) = nullptr;
  void (*old_break_)(int) = nullptr;
#else
  struct sigaction old_int_ {}, old_term_ {};
#endif
};

}  // namespace

std::unique_ptr<Interrupts> CatchSignals() { return std::make_unique<SignalInterrupts>(); }

}  // namespace lm
