// A fixed environment for kube::Getenv, for tests.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "kube/os.h"

inline kube::Getenv EnvOf(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}
