#include "kube/access_review.h"

#include <boost/json.hpp>

namespace kube {

Result<bool> CanI(Client& client, const Access& a) {
  boost::json::object attrs{{"verb", a.verb}, {"group", a.group}, {"resource", a.resource}};
  if (!a.namespace_.empty()) attrs["namespace"] = a.namespace_;
  boost::json::object review{{"apiVersion", "authorization.k8s.io/v1"},
                             {"kind", "SelfSubjectAccessReview"},
                             {"spec", {{"resourceAttributes", std::move(attrs)}}}};
  auto r = client.Create("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review, "", DryRun::kNone);
  if (!r.ok()) return r.status().WithContext("check access to " + a.verb + " " + a.resource);
  const auto* status = r->as_object().if_contains("status");
  if (!status || !status->is_object()) return false;
  const auto* allowed = status->as_object().if_contains("allowed");
  return allowed && allowed->is_bool() && allowed->as_bool();
}

}  // namespace kube
