// kubectl lm deploy as a plan: pure functions from what the user asked and
// what was gathered from the cluster to the changes to make. No I/O here;
// deploy_cmd.cpp gathers, these decide, executor.h acts.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "gpu/catalog.h"
#include "gpu/placement.h"
#include "kube/access_review.h"
#include "kube/os.h"
#include "kube/status.h"
#include "plugin/deploy.h"
#include "plugin/executor.h"
#include "plugin/render.h"

namespace lm {

// The user's intent, resolved: the model, the deployment's name, the token.
struct DeployRequest {
  DeployOptions options;  // options.name is set
  gpu::Model model;
  int dtype_bytes = 2;
  std::string hf_token;   // from $HF_TOKEN with --hf-token-from-env, else ""
  std::string api_key;    // from $VAR with --api-key-from-env VAR, else ""
};

// Resolves the model and the default name ("phi-3-mini" as typed, or the
// model's own name for a repo id, dots turned into dashes) and refuses a
// gated model without a token. `env` reads the environment ($HF_TOKEN, the
// --api-key-from-env variable).
kube::Result<DeployRequest> ResolveDeploy(DeployOptions options,
                                          const kube::Getenv& env);

// What Render needs, from the request and the chosen placement.
DeploySpec MakeSpec(const DeployRequest& request, const gpu::Plan& plan, const std::string& ns);

// A permission deploy needs, and why: said when RBAC refuses it.
struct Need {
  kube::Access access;
  std::string why;
};
// Every verb deploy will use for `spec`, checked before anything changes.
std::vector<Need> DeployNeeds(const DeploySpec& spec);

// The change that applies `object` in namespace `ns`: a create when
// `existing` is null (refused if the object appeared meanwhile, undone by
// uid), else an apply of the very object that was checked (its uid as a
// precondition, so one made again by someone else is refused).
Change ApplyChange(const boost::json::object& object, const boost::json::object* existing, const std::string& ns);

// What the cluster holds of the objects and nodes deploy will touch.
struct Existing {
  std::map<std::string, boost::json::object> objects;  // by REST path; absent ones are missing
  std::set<std::string> labelled;                      // planned nodes that carry the label already
};

// The changes, in order: label the planned nodes that lack the label, apply
// each object (created when absent; applied with the uid that was checked
// when it exists), then unlabel the nodes an earlier run labelled that no
// longer pass. Refuses (kAlreadyExists, nothing to change) when an object
// of the same name exists that is not this deployment's.
kube::Result<std::vector<Change>> PlanDeployChanges(const DeploySpec& spec,
                                                    const std::vector<boost::json::object>& objects,
                                                    const Existing& existing);

}  // namespace lm
