#include "gpu/inventory.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <boost/json.hpp>

#include "gpu/instance_types.h"
#include "kube/json_fields.h"

namespace gpu {
namespace json = boost::json;
namespace {

// Reads of optional fields (kube/json_fields.h), by reference or pointer.
const json::object* Obj(const json::object& o, const char* key) { return kube::ObjField(&o, key); }
const json::array* Arr(const json::object& o, const char* key) { return kube::ArrField(&o, key); }
const auto& Str = kube::StrField;

// A count or a size in MiB from a label: digits only, and at most 2^40 (a
// GPU of a billion GiB); anything else is unknown, never an exception.
// long long, not long: long is 32 bits on Windows.
std::optional<long long> ParseLong(const std::string& s) {
  long long n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || s[0] == '-' || ec != std::errc() || end != s.data() + s.size() || n > (1LL << 40)) {
    return std::nullopt;
  }
  return n;
}

std::map<std::string, kube::Quantity> GpuQuantities(const json::object* resources) {
  std::map<std::string, kube::Quantity> out;
  if (!resources) return out;
  for (const auto& [k, v] : *resources) {
    std::string name(k);
    if (!IsGpuResource(name) || !v.is_string()) continue;
    auto q = kube::Quantity::Parse(std::string(v.as_string()));
    if (q.ok()) out[name] = *q;
  }
  return out;
}

// A container's request per GPU resource: requests, else limits (an
// extended resource's request must equal its limit and defaults to it).
std::map<std::string, kube::Quantity> ContainerGpus(const json::object& c) {
  const json::object* res = Obj(c, "resources");
  if (!res) return {};
  auto out = GpuQuantities(Obj(*res, "limits"));
  for (auto& [k, v] : GpuQuantities(Obj(*res, "requests"))) out[k] = v;
  return out;
}

// "mig-3g.40gb" -> 40 GB, as a fallback when no memory label names it.
std::optional<long long> MigMemoryFromName(const std::string& resource) {
  auto dot = resource.rfind('.');
  auto gb = resource.rfind("gb");
  if (dot == std::string::npos || gb == std::string::npos || gb <= dot) return std::nullopt;
  auto n = ParseLong(resource.substr(dot + 1, gb - dot - 1));
  if (!n) return std::nullopt;
  return *n * 1000LL * 1000 * 1000 / (1024LL * 1024);  // GB to MiB
}

}  // namespace

bool DefaultTolerationsCover(const Taint& t) {
  if (t.effect == "PreferNoSchedule") return true;  // never keeps a pod off
  if (t.effect != "NoSchedule") return false;
  if (t.key == "nvidia.com/gpu") return true;             // operator Exists
  return t.key == "sku" && t.value == "gpu";              // operator Equal
}

bool IsGpuResource(const std::string& name) {
  return name == "nvidia.com/gpu" || name == "nvidia.com/gpu.shared" || name.rfind("nvidia.com/mig-", 0) == 0;
}

namespace {

// Counts from labels and quantities can be anything up to 2^63-1: their
// sums stop there instead of wrapping to a negative number.
long long Sum(const std::vector<GpuResource>& resources, long long (*of)(const GpuResource&)) {
  long long n = 0;
  for (const auto& r : resources) {
    if (__builtin_add_overflow(n, of(r), &n)) return std::numeric_limits<long long>::max();
  }
  return n;
}

}  // namespace

long long NodeGpus::allocatable() const { return Sum(resources, [](const GpuResource& r) { return r.allocatable; }); }
long long NodeGpus::requested() const { return Sum(resources, [](const GpuResource& r) { return r.requested; }); }
long long NodeGpus::free() const { return Sum(resources, [](const GpuResource& r) { return r.free(); }); }
std::vector<Taint> NodeGpus::untolerated_taints() const {
  std::vector<Taint> out;
  for (const auto& t : taints) {
    if (!DefaultTolerationsCover(t)) out.push_back(t);
  }
  return out;
}

std::map<std::string, kube::Quantity> EffectiveGpuRequests(const json::object& pod) {
  const json::object* spec = Obj(pod, "spec");
  if (!spec) return {};
  std::map<std::string, kube::Quantity> sum;
  if (auto* cs = Arr(*spec, "containers")) {
    for (const auto& c : *cs) {
      if (!c.is_object()) continue;
      for (auto& [k, v] : ContainerGpus(c.as_object())) sum[k] = sum[k] + v;
    }
  }
  // Init containers run one at a time, before the containers: the pod needs
  // the most any one of them needs, if that is more than the containers'.
  // (A restartable "sidecar" init container runs alongside; kubelet adds
  // those to the sum. GPU sidecars are vanishingly rare; we take the max.)
  if (auto* ics = Arr(*spec, "initContainers")) {
    for (const auto& c : *ics) {
      if (!c.is_object()) continue;
      for (auto& [k, v] : ContainerGpus(c.as_object())) {
        if (sum[k] < v) sum[k] = v;
      }
    }
  }
  for (auto& [k, v] : GpuQuantities(Obj(*spec, "overhead"))) sum[k] = sum[k] + v;
  return sum;
}

namespace {

// Product, family, memory, driver and instance type: from GPU Feature
// Discovery's labels first, the legacy nvidia.com/cuda.* second, the
// instance type's table last.
void ReadGpuLabels(NodeGpus& n, const json::object* labels) {
  auto label = [&](const char* k) { return Str(labels, k); };

  // GPU Feature Discovery's labels first, the legacy nvidia.com/cuda.* second.
  n.product = label("nvidia.com/gpu.product");
  n.family = label("nvidia.com/gpu.family");
  if (auto m = ParseLong(label("nvidia.com/gpu.memory"))) {
    n.memory_mib = m;
    n.memory_source = MemorySource::kLabel;
  }
  n.driver_version = label("nvidia.com/cuda.driver-version.full");
  if (n.driver_version.empty()) n.driver_version = label("nvidia.com/cuda.driver-version.major");
  if (n.driver_version.empty()) n.driver_version = label("nvidia.com/cuda.driver.major");
  n.instance_type = label("node.kubernetes.io/instance-type");
  if (n.instance_type.empty()) n.instance_type = label("beta.kubernetes.io/instance-type");
  if (auto it = LookupInstanceType(n.instance_type)) {
    if (n.product.empty()) n.product = it->product;
    if (n.family.empty()) n.family = it->family;
    if (!n.memory_mib) {
      n.memory_mib = it->memory_mib;
      n.memory_source = MemorySource::kInstanceType;
    }
  }
  // Compute capability: GFD's labels, else NVIDIA's table by product, else
  // the family's lowest.
  auto major = ParseLong(label("nvidia.com/gpu.compute.major"));
  auto minor = ParseLong(label("nvidia.com/gpu.compute.minor"));
  if (major && minor && *major < 100 && *minor < 100) {
    n.compute = ComputeCapability{static_cast<int>(*major), static_cast<int>(*minor)};
    n.compute_source = ComputeSource::kLabel;
  } else if ((n.compute = ComputeCapabilityOfProduct(n.product))) {
    n.compute_source = ComputeSource::kProduct;
  } else if ((n.compute = ComputeCapabilityOfFamily(n.family))) {
    n.compute_source = ComputeSource::kFamily;
  }
}

// One GpuResource per GPU resource the node can allocate.
void ReadGpuResources(NodeGpus& n, const json::object* labels, const json::object* status) {
  auto label = [&](const char* k) { return Str(labels, k); };
  bool time_sliced = label("nvidia.com/gpu.sharing-strategy") == "time-slicing" ||
                     ParseLong(label("nvidia.com/gpu.replicas")).value_or(1) > 1;
  const json::object* alloc = status ? Obj(*status, "allocatable") : nullptr;
  if (!alloc && status) alloc = Obj(*status, "capacity");
  for (auto& [name, q] : GpuQuantities(alloc)) {
    GpuResource r;
    r.name = name;
    r.allocatable = q.Value();
    r.mig = name.rfind("nvidia.com/mig-", 0) == 0;
    r.shared = name == "nvidia.com/gpu.shared" || (name == "nvidia.com/gpu" && time_sliced);
    if (r.mig) {
      std::string type = name.substr(std::string("nvidia.com/").size());
      r.memory_mib = ParseLong(label(("nvidia.com/" + type + ".memory").c_str()));
      if (!r.memory_mib) r.memory_mib = MigMemoryFromName(name);
    } else {
      r.memory_mib = n.memory_mib;
    }
    if (r.allocatable > 0) n.resources.push_back(r);
  }
}

}  // namespace

void InventoryBuilder::AddNode(const json::object& node) {
  const json::object* md = Obj(node, "metadata");
  const json::object* labels = md ? Obj(*md, "labels") : nullptr;
  const json::object* spec = Obj(node, "spec");
  const json::object* status = Obj(node, "status");
  NodeGpus n;
  n.name = Str(md, "name");
  ReadGpuLabels(n, labels);
  ReadGpuResources(n, labels, status);
  if (spec) {
    if (auto* u = spec->if_contains("unschedulable"); u && u->is_bool()) n.unschedulable = u->as_bool();
    if (auto* ts = Arr(*spec, "taints")) {
      for (const auto& t : *ts) {
        if (!t.is_object()) continue;
        Taint taint{Str(&t.as_object(), "key"), Str(&t.as_object(), "value"), Str(&t.as_object(), "effect")};
        if (taint.effect == "NoSchedule" || taint.effect == "NoExecute") n.taints.push_back(taint);
      }
    }
  }
  if (auto* conds = status ? Arr(*status, "conditions") : nullptr) {
    for (const auto& c : *conds) {
      if (c.is_object() && Str(&c.as_object(), "type") == "Ready") n.ready = Str(&c.as_object(), "status") == "True";
    }
  }
  if (!nodes_.empty() && !(nodes_.back().name < n.name)) sorted_ = false;
  nodes_.push_back(std::move(n));
}

void InventoryBuilder::AddPod(const json::object& pod) {
  const json::object* spec = Obj(pod, "spec");
  std::string node = Str(spec, "nodeName");
  std::string phase = Str(Obj(pod, "status"), "phase");
  if (node.empty() || phase == "Succeeded" || phase == "Failed") return;
  auto gpus = EffectiveGpuRequests(pod);
  if (gpus.empty()) return;
  auto& sums = requested_[node];
  for (auto& [k, v] : gpus) sums[k] = sums[k] + v;
}

std::vector<NodeGpus> InventoryBuilder::Finish() {
  std::vector<NodeGpus> out = std::move(nodes_);
  nodes_.clear();
  if (!sorted_) {
    // Name order; of a name added twice, the last record stays.
    std::stable_sort(out.begin(), out.end(), [](const NodeGpus& a, const NodeGpus& b) { return a.name < b.name; });
    size_t kept = 0;
    for (size_t i = 0; i < out.size(); ++i) {
      if (kept > 0 && out[kept - 1].name == out[i].name) {
        out[kept - 1] = std::move(out[i]);
      } else {
        if (kept != i) out[kept] = std::move(out[i]);
        ++kept;
      }
    }
    out.resize(kept);
    sorted_ = true;
  }
  for (NodeGpus& n : out) {
    auto it = requested_.find(n.name);
    if (it == requested_.end()) continue;
    for (auto& r : n.resources) {
      if (auto q = it->second.find(r.name); q != it->second.end()) r.requested = q->second.Value();
    }
  }
  requested_.clear();
  return out;
}

}  // namespace gpu
