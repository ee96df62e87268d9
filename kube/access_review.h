// Asking the API server what the current user may do (SelfSubjectAccessReview),
// so that a command can refuse before it changes anything.
#pragma once

#include <string>

#include "kube/client.h"
#include "kube/status.h"

namespace kube {

struct Access {
  std::string verb, group, resource, namespace_;  // namespace "" = cluster scope
};

// True when allowed. An error only when the review itself failed.
Result<bool> CanI(Client& client, const Access& access);

}  // namespace kube
