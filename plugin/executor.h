// The executor of a command that changes the cluster: it applies a plan's
// changes in order, records what it did, and on failure undoes exactly
// that, newest first. A plan is made by a pure function (deploy_plan.h,
// delete_plan.h); this file is the only place deploy and delete write.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "kube/client.h"
#include "kube/status.h"
#include "plugin/interrupts.h"

namespace lm {

struct Change {
  enum class Op { kLabelNode, kUnlabelNode, kApply, kDelete };
  Op op;
  std::string path;             // the object's (or node's) REST path
  std::string what;             // as printed: "node/gpu-0", "service/phi-3-mini"
  boost::json::object object;   // kApply: the object to apply
  std::string label_key;        // kLabelNode, kUnlabelNode
  std::string uid;              // kDelete: delete only this object, not a newer one of its name
  bool creates = false;         // kApply: the object was absent: it is created (refused if it
                                // appeared meanwhile), and undo deletes it
  std::string undo_hint;        // the command that undoes this change by hand
};

struct ExecuteOptions {
  kube::DryRun dry_run = kube::DryRun::kNone;
  std::string field_manager = "kubectl-lm";
  bool force_conflicts = false;
  bool undo_on_failure = true;  // false where a step cannot be undone (delete)
  // Asked before each step; an interrupt stops the run there and, with
  // undo_on_failure, undoes it. Told after each step what is left.
  Interrupts* interrupts = nullptr;
  std::string finish_hint;      // the command that finishes an interrupted run
};

// Called after each change succeeds, with the server's answer (null for
// label and delete changes).
using ChangeDone = std::function<void(const Change& change, const boost::json::value& answer)>;

// Applies `changes` in order. On the first failure, undoes the changes
// already made (a label set is removed, a label removed is set again, an
// object created is deleted by its uid; an object that existed keeps the
// update) and returns the failure with context. When an undo step fails
// too, the message ends with what is left and the commands that remove it.
// Dry runs undo nothing: nothing was changed. An interrupt is handled as
// a failure of the next step ("interrupted"), before it starts.
kube::Status Execute(kube::Client& client, const std::vector<Change>& changes, const ExecuteOptions& options,
                     const ChangeDone& done);

// " (dry run)", " (server dry run)" or "", as kubectl suffixes its output.
std::string DryRunSuffix(kube::DryRun dry_run);

}  // namespace lm
