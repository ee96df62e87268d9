// kubectl lm models [--fits] [-o wide|json|yaml]
// kubectl lm models NAME [plan flags] [-o json|yaml]

#include "plugin/app.h"
#include "plugin/commands.h"
#include "plugin/gather.h"
#include "plugin/model_flags.h"
#include "plugin/printers.h"
#include "plugin/views.h"

namespace lm {
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
  if (one) {
    const gpu::PlanRequest request = MakePlanRequest(*one, flags, *dtype_bytes);
    gpu::Plan plan = gpu::PlanPlacement(request, inventory);
    app.out << RenderModelPlan(*one, plan, flags, *dtype_bytes, output);
    if (!plan.ok && output.empty()) {
      return kube::Status(kube::Kind::kInvalidArgument,
                          one->name + " fits no GPU node now" +
                              QuantizedSuggestion(name, flags, "", gpu::QuantizedAlternative(request, inventory)) +
                              " (the reasons are above)");
    }
    return kube::Status::Ok();
  }

  std::vector<ModelRow> rows;
  for (const auto& m : gpu::Catalog()) {
    rows.push_back({&m, fits ? std::optional(gpu::PlanPlacement(MakePlanRequest(m, flags, *dtype_bytes), inventory))
                             : std::nullopt});
  }
  app.out << RenderModels(rows, *dtype_bytes, output);
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
