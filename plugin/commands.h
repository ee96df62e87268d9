// The commands, one file each. Each file ends with the function that
// describes its command (name, usage, summary, flag table, handler) for
// the table in app.cpp; the handler gathers (kube), decides, acts and prints.
#pragma once

#include "plugin/app.h"

namespace lm {

// For a command without flags.
struct NoFlags {};

Command NodesCommand();
Command ModelsCommand();
Command DeployCommand();
Command StatusCommand();
Command DeleteCommand();
Command PullCommand();
Command ScaleCommand();
Command TopCommand();
Command LogsCommand();
Command ChatCommand();
Command VersionCommand();
Command HelpCommand();

}  // namespace lm
