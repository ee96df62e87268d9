// deploy's templates filled with any values (NUL-separated: name, image,
// storage class, repo, served name), printed as YAML and read back: every
// value comes back as given, and no key is added.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "gpu/catalog.h"
#include "kube/yaml_json.h"
#include "plugin/printers.h"
#include "plugin/render.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> f(5);
  size_t k = 0;
  for (size_t i = 0; i < size && k < f.size(); ++i) {
    if (data[i] == 0) ++k;
    else f[k] += static_cast<char>(data[i]);
  }
  lm::DeploySpec s;
  s.name = "fuzz";
  s.namespace_ = "ns";
  s.model = *gpu::FindModel("phi-3-mini");
  s.model.repo = f[3];
  s.model.name = f[4];
  s.plan.tp = 1;
  s.plan.context = 4096;
  s.plan.resource = "nvidia.com/gpu";
  s.image = f[1];
  s.storage_class = f[2];
  auto objects = lm::Render(s);
  if (!objects.ok()) return 0;
  for (const auto& o : *objects) {
    std::string yaml = lm::ToYaml(o);
    boost::json::value back;
    try {
      auto converted = kube::YamlToJson(YAML::Load(yaml));
      if (!converted.ok()) __builtin_trap();  // our own output is never an alias bomb
      back = std::move(*converted);
    } catch (const YAML::Exception&) {
      __builtin_trap();  // we printed YAML that does not parse
    }
    if (back != boost::json::value(o)) __builtin_trap();  // a value changed, or a key appeared
  }
  return 0;
}
