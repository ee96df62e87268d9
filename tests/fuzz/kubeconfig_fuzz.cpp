// The kubeconfig loader and selector on any bytes: no crash, no hang, no
// leak, no undefined behaviour, whatever a kubeconfig file holds.
#include <cstdint>
#include <optional>
#include <string>

#include "kube/filesystem.h"
#include "kube/kubeconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto config = kube::ParseConfig(text, "fuzz.kubeconfig", "/k", "/home/fuzz");
  if (!config.ok()) return 0;
  kube::MemoryFileSystem fs;
  fs.Add("/k/ca.crt", "not a pem");
  auto env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  kube::Select(*config, kube::Overrides{}, fs, env);
  return 0;
}
