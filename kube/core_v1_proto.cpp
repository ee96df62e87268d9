// The fields of core/v1 Node and Pod this client can read from protobuf,
// numbered as in k8s.io/api core/v1/generated.proto and
// k8s.io/apimachinery pkg/apis/meta/v1/generated.proto (v0.36; field numbers
// never change once released). A message is marked complete only when
// every field of its type is here. A mask that asks for a field not here
// makes the list come as JSON (ProtoCovers), so adding a field to a mask
// never silently loses it.
#include <string_view>

#include "kube/protobuf.h"

namespace kube {
namespace {

using K = ProtoKind;

constexpr ProtoField kObjectMetaFields[] = {
    {1, "name", K::kString},
    {2, "generateName", K::kString},
    {3, "namespace", K::kString},
    {5, "uid", K::kString},
    {6, "resourceVersion", K::kString},
    {7, "generation", K::kInt64},
    {11, "labels", K::kStringMap},
    {12, "annotations", K::kStringMap},
    {14, "finalizers", K::kStrings},
};
constexpr ProtoMessage kObjectMeta{kObjectMetaFields};

// Node
constexpr ProtoField kTaintFields[] = {
    {1, "key", K::kString, nullptr, true},
    {2, "value", K::kString},
    {3, "effect", K::kString, nullptr, true},
};
constexpr ProtoMessage kTaint{kTaintFields};  // not timeAdded
constexpr ProtoField kNodeConditionFields[] = {
    {1, "type", K::kString, nullptr, true},
    {2, "status", K::kString, nullptr, true},
    {5, "reason", K::kString},
    {6, "message", K::kString},
};
constexpr ProtoMessage kNodeCondition{kNodeConditionFields};  // not the times
constexpr ProtoField kNodeSpecFields[] = {
    {1, "podCIDR", K::kString},
    {3, "providerID", K::kString},
    {4, "unschedulable", K::kBool},
    {5, "taints", K::kMessages, &kTaint},
    {7, "podCIDRs", K::kStrings},
};
constexpr ProtoMessage kNodeSpec{kNodeSpecFields};
constexpr ProtoField kNodeStatusFields[] = {
    {1, "capacity", K::kQuantityMap},
    {2, "allocatable", K::kQuantityMap},
    {3, "phase", K::kString},
    {4, "conditions", K::kMessages, &kNodeCondition},
};
constexpr ProtoMessage kNodeStatus{kNodeStatusFields};
constexpr ProtoField kNodeFields[] = {
    {1, "metadata", K::kMessage, &kObjectMeta},
    {2, "spec", K::kMessage, &kNodeSpec},
    {3, "status", K::kMessage, &kNodeStatus},
};
constexpr ProtoMessage kNode{kNodeFields, true};

// Pod
constexpr ProtoField kResourceClaimFields[] = {
    {1, "name", K::kString, nullptr, true},
    {2, "request", K::kString},
};
constexpr ProtoMessage kResourceClaim{kResourceClaimFields, true};
constexpr ProtoField kResourceRequirementsFields[] = {
    {1, "limits", K::kQuantityMap},
    {2, "requests", K::kQuantityMap},
    {3, "claims", K::kMessages, &kResourceClaim},
};
constexpr ProtoMessage kResourceRequirements{kResourceRequirementsFields, true};
constexpr ProtoField kContainerFields[] = {
    {1, "name", K::kString, nullptr, true},
    {2, "image", K::kString},
    {8, "resources", K::kMessage, &kResourceRequirements},
    {24, "restartPolicy", K::kString},
};
constexpr ProtoMessage kContainer{kContainerFields};
constexpr ProtoField kPodSpecFields[] = {
    {2, "containers", K::kMessages, &kContainer},
    {3, "restartPolicy", K::kString},
    {7, "nodeSelector", K::kStringMap},
    {8, "serviceAccountName", K::kString},
    {10, "nodeName", K::kString},
    {19, "schedulerName", K::kString},
    {20, "initContainers", K::kMessages, &kContainer},
    {32, "overhead", K::kQuantityMap},
};
constexpr ProtoMessage kPodSpec{kPodSpecFields};
constexpr ProtoField kPodStatusFields[] = {
    {1, "phase", K::kString},
    {3, "message", K::kString},
    {4, "reason", K::kString},
    {5, "hostIP", K::kString},
    {6, "podIP", K::kString},
};
constexpr ProtoMessage kPodStatus{kPodStatusFields};
constexpr ProtoField kPodFields[] = {
    {1, "metadata", K::kMessage, &kObjectMeta},
    {2, "spec", K::kMessage, &kPodSpec},
    {3, "status", K::kMessage, &kPodStatus},
};
constexpr ProtoMessage kPod{kPodFields, true};

constexpr ProtoList kNodeList{"NodeList", &kNode};
constexpr ProtoList kPodList{"PodList", &kPod};

}  // namespace

const ProtoList* ProtoListAt(std::string_view path) {
  constexpr std::string_view core = "/api/v1/";
  if (path.substr(0, core.size()) != core) return nullptr;
  path.remove_prefix(core.size());
  if (path == "nodes") return &kNodeList;
  if (path == "pods") return &kPodList;
  // namespaces/NS/pods
  constexpr std::string_view ns = "namespaces/";
  if (path.substr(0, ns.size()) != ns) return nullptr;
  path.remove_prefix(ns.size());
  const size_t slash = path.find('/');
  if (slash == 0 || slash == std::string_view::npos) return nullptr;
  return path.substr(slash) == "/pods" ? &kPodList : nullptr;
}

}  // namespace kube
