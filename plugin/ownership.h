// What kubectl-lm owns, said once. Every command that finds, changes or
// removes something asks here: the labels that mark the objects deploy
// creates, the selectors that find them, the node label that marks the
// nodes a deployment may use, and the patches that set and remove it.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace lm::own {

inline constexpr char kManagedByKey[] = "app.kubernetes.io/managed-by";
inline constexpr char kManagedByValue[] = "kubectl-lm";
inline constexpr char kDeploymentKey[] = "kubectl-lm.io/deployment";
inline constexpr char kModelKey[] = "kubectl-lm.io/model";
// On a model cache's objects (kubectl lm pull): the cache's name.
inline constexpr char kCacheKey[] = "kubectl-lm.io/cache";
// On the Deployment: the nodes deploy labelled, comma-separated.
inline constexpr char kLabelledNodesAnnotation[] = "kubectl-lm.io/labelled-nodes";

// Finds every object kubectl-lm made, in any deployment.
std::string ManagedSelector();
// Finds the objects of one deployment (in the namespace being listed).
std::string DeploymentSelector(const std::string& name);

// True when `object` carries kubectl-lm's labels for deployment `name`.
// The namespace is the caller's: it read the object from that namespace.
bool BelongsTo(const boost::json::object& object, const std::string& name);
// The same for a pod seen in a list of every namespace.
bool IsPodOf(const boost::json::object& pod, const std::string& name, const std::string& ns);

// The name of a model's cache claim and its Job: "lm-cache-" and the model's
// name made a DNS label (at most 63 characters).
std::string CacheName(const std::string& model);
// Finds the objects of one model cache.
std::string CacheSelector(const std::string& cache);
// True when `object` carries kubectl-lm's labels for cache `cache`.
bool BelongsToCache(const boost::json::object& object, const std::string& cache);

// The label that marks the nodes that passed the memory check for this
// deployment: "<name>.<namespace>.kubectl-lm.io/fits". Its prefix is a DNS
// subdomain built from two DNS labels, so it is always a valid label key.
std::string NodeLabelKey(const std::string& name, const std::string& ns);
// The merge patch that sets the node label to "true", or removes it.
boost::json::object NodeLabelPatch(const std::string& key, bool set);
// True when `node` carries `key` = "true".
bool HasNodeLabel(const boost::json::object& node, const std::string& key);

// The nodes recorded on a Deployment deploy made, and the record itself.
std::vector<std::string> LabelledNodes(const boost::json::object& deployment);
std::string LabelledNodesValue(const std::vector<std::string>& nodes);

}  // namespace lm::own
