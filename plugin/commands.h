// One handler per command, each in a file named for it. A handler parses its
// own arguments, gathers (kube), decides, acts and prints.
#pragma once

#include <string>
#include <vector>

#include "kube/status.h"
#include "plugin/flags.h"

namespace lm {

struct App;

kube::Status RunVersion(App& app, const std::vector<std::string>& args);
kube::Status RunHelp(App& app, const std::vector<std::string>& args);
kube::Status RunNodes(App& app, const std::vector<std::string>& args);
kube::Status RunModels(App& app, const std::vector<std::string>& args);
kube::Status RunDeploy(App& app, const std::vector<std::string>& args);
kube::Status RunStatus(App& app, const std::vector<std::string>& args);
kube::Status RunDelete(App& app, const std::vector<std::string>& args);
kube::Status RunLogs(App& app, const std::vector<std::string>& args);
kube::Status RunChat(App& app, const std::vector<std::string>& args);

// Each command's flag table, for completion and help.
std::vector<FlagInfo> NodesFlags();
std::vector<FlagInfo> ModelsFlags();
std::vector<FlagInfo> StatusFlags();
std::vector<FlagInfo> DeleteFlags();
std::vector<FlagInfo> LogsFlags();
std::vector<FlagInfo> ChatFlags();
std::vector<FlagInfo> VersionFlags();

}  // namespace lm
