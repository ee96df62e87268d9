// kubectl lm models [--fits] [-o wide|json|yaml]
// kubectl lm models NAME [plan flags] [-o json|yaml]
#include <cstdio>

#include <boost/json.hpp>

#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/gather.h"
#include "plugin/model_flags.h"
#include "plugin/printers.h"

namespace lm {
namespace json = boost::json;
namespace {

std::string Fixed(double v, const char* unit) {
  char b[48];
  std::snprintf(b, sizeof b, "%.1f%s", v, unit);
  return b;
}

std::string Tokens(long n) {
  if (n >= 1024 && n % 1024 == 0) return std::to_string(n / 1024) + "k";
  return std::to_string(n);
}

json::object ModelToJson(const gpu::Model& m) {
  return {{"name", m.name}, {"repo", m.repo}, {"license", m.license}, {"gated", m.gated},
          {"paramsBillion", m.params_b}, {"layers", m.layers}, {"attentionHeads", m.attention_heads},
          {"kvHeads", m.kv_heads}, {"headDim", m.head_dim}, {"maxContext", m.max_context},
          {"weightsGiB", m.weights_gib}, {"kvBytesPerToken", m.KvBytesPerToken(2)},
          {"minGpuMemoryGiB", gpu::MemoryPerGpuGiB(m, 2, 1, std::min(gpu::kMinimumContext, m.max_context))}};
}

json::object PlanToJson(const gpu::Plan& p) {
  json::object o{{"fits", p.ok}, {"summary", p.summary}};
  if (p.tp > 0) {
    o["tensorParallel"] = p.tp;
    o["contextLength"] = p.context;
    o["resource"] = p.resource;
    o["memoryPerGpuGiB"] = p.per_gpu_gib;
  }
  json::array nodes;
  for (const auto& n : p.nodes) nodes.push_back(json::string(n));
  o["nodes"] = std::move(nodes);
  json::array verdicts;
  for (const auto& v : p.verdicts) {
    json::object vo{{"node", v.node}, {"fits", v.fits}, {"reason", v.reason}};
    if (v.tp > 0) {
      vo["tensorParallel"] = v.tp;
      vo["contextLength"] = v.context;
    }
    verdicts.push_back(std::move(vo));
  }
  o["verdicts"] = std::move(verdicts);
  return o;
}

std::string NodeList(const gpu::Plan& p) {
  std::string s;
  for (const auto& n : p.nodes) s += (s.empty() ? "" : ",") + n;
  return s.empty() ? "<none>" : s;
}

kube::Status ExplainOne(App& app, const gpu::Model& m, const PlanFlags& flags, int dtype_bytes,
                        const std::vector<gpu::NodeGpus>& inventory, const std::string& output) {
  gpu::Plan plan = gpu::PlanPlacement(MakePlanRequest(m, flags, dtype_bytes), inventory);
  if (!output.empty()) {
    json::object doc = ModelToJson(m);
    doc["plan"] = PlanToJson(plan);
    PrintDocument(app.out, doc, output);
    return kube::Status::Ok();
  }
  std::ostream& o = app.out;
  o << "Model:     " << m.name << " (" << m.repo << ", licence " << m.license << (m.gated ? ", gated: needs an HF token" : "")
    << ")\n";
  o << "Shape:     " << Fixed(m.params_b, "B") << " parameters, " << m.layers << " layers, " << m.attention_heads
    << " attention heads, " << m.kv_heads << " KV heads, head dim " << m.head_dim << ", up to " << m.max_context
    << " tokens\n";
  o << "Memory:    " << Fixed(m.WeightsGiB(dtype_bytes), " GiB") << " of weights (" << flags.dtype << "), "
    << m.KvBytesPerToken(dtype_bytes) / 1024 << " KiB of KV cache per token\n";
  if (plan.ok) {
    o << "Plan:      TP " << plan.tp << " on " << plan.resource << ", context " << plan.context << " tokens, "
      << Fixed(plan.per_gpu_gib, " GiB") << " per GPU at utilization " << Fixed(flags.utilization, "") << "\n";
    o << "Nodes:     " << NodeList(plan) << "\n";
  } else {
    o << "Plan:      does not fit: " << plan.summary << "\n";
  }
  o << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : plan.verdicts) rows.push_back({v.node, v.fits ? "yes" : "no", v.reason});
  PrintTable(o, {"NODE", "FITS", "WHY"}, rows);
  if (!plan.ok) {
    return kube::Status(kube::Kind::kInvalidArgument, m.name + " fits no GPU node now (the reasons are above)");
  }
  return kube::Status::Ok();
}

}  // namespace

namespace {

struct ModelsOptions {
  bool fits = false;
  std::string output;
  PlanFlags plan;
};

kube::Status RunModels(App& app, ModelsOptions& o, const std::vector<std::string>& positionals) {
  const std::string name = positionals.empty() ? "" : positionals.front();
  const bool fits = o.fits;
  const std::string& output = o.output;
  const PlanFlags& flags = o.plan;
  kube::Status format = CheckOutputFormat(output, name.empty() ? std::vector<std::string>{"json", "yaml", "wide"}
                                                               : std::vector<std::string>{"json", "yaml"});
  if (!format.ok()) return format;
  auto dtype_bytes = DtypeBytes(flags.dtype);
  if (!dtype_bytes.ok()) return dtype_bytes.status();

  std::optional<gpu::Model> one;
  if (!name.empty()) {
    auto m = ResolveModel(name, flags);
    if (!m.ok()) return m.status();
    one = *m;
  }
  std::vector<gpu::NodeGpus> inventory;
  if (one || fits) {
    auto client = app.Connect();
    if (!client.ok()) return client.status();
    auto inv = GatherInventory(**client);
    if (!inv.ok()) return inv.status();
    inventory = std::move(*inv);
  }
  if (one) return ExplainOne(app, *one, flags, *dtype_bytes, inventory, output);

  if (output == "json" || output == "yaml") {
    json::array items;
    for (const auto& m : gpu::Catalog()) {
      json::object o = ModelToJson(m);
      if (fits) o["plan"] = PlanToJson(gpu::PlanPlacement(MakePlanRequest(m, flags, *dtype_bytes), inventory));
      items.push_back(std::move(o));
    }
    PrintDocument(app.out, json::object{{"apiVersion", "kubectl-lm/v1alpha1"}, {"kind", "ModelList"},
                                        {"items", std::move(items)}}, output);
    return kube::Status::Ok();
  }
  std::vector<std::string> headers = {"NAME", "PARAMS", "MAX-CONTEXT", "WEIGHTS", "MIN-GPU-MEMORY", "GATED"};
  if (output == "wide") {
    headers.insert(headers.begin() + 1, "REPO");
    headers.push_back("LICENSE");
  }
  if (fits) for (const char* h : {"FITS", "TP", "CONTEXT", "NODES"}) headers.push_back(h);
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : gpu::Catalog()) {
    std::vector<std::string> row = {
        m.name, Fixed(m.params_b, "B"), Tokens(m.max_context), Fixed(m.weights_gib, "Gi"),
        Fixed(gpu::MemoryPerGpuGiB(m, *dtype_bytes, 1, std::min(gpu::kMinimumContext, m.max_context)), "Gi"),
        m.gated ? "yes" : "no"};
    if (output == "wide") {
      row.insert(row.begin() + 1, m.repo);
      row.push_back(m.license);
    }
    if (fits) {
      gpu::Plan p = gpu::PlanPlacement(MakePlanRequest(m, flags, *dtype_bytes), inventory);
      row.push_back(p.ok ? "yes" : "no");
      row.push_back(p.ok ? std::to_string(p.tp) : "-");
      row.push_back(p.ok ? std::to_string(p.context) : "-");
      row.push_back(p.ok ? NodeList(p) : "-");
    }
    rows.push_back(std::move(row));
  }
  PrintTable(app.out, headers, rows);
  if (fits) app.out << "\nkubectl lm models NAME explains, node by node, why a model fits or not.\n";
  return kube::Status::Ok();
}

}  // namespace

Command ModelsCommand() {
  std::vector<Flag<ModelsOptions>> flags = {
      SwitchFlag<ModelsOptions>({"fits", 0, "", "plan every model on the cluster: what fits where now"},
                                &ModelsOptions::fits),
      OutputFlag({"json", "yaml", "wide"}, &ModelsOptions::output)};
  AddPlanFlags(flags, &ModelsOptions::plan);
  return MakeCommand<ModelsOptions>(
      {"models", "[NAME]", "List the model catalog; --fits or NAME: what fits where, and why"}, flags, {0, 1, ""},
      RunModels);
}

}  // namespace lm
