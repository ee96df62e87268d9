#include "plugin/executor.h"

#include <boost/json.hpp>

#include "kube/json_fields.h"
#include "plugin/ownership.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

namespace {

// One step done, and how to take it back.
struct Done {
  const Change* change;
  std::string uid;  // of an object this run created
};

Status Do(kube::Client& client, const Change& c, const ExecuteOptions& o, json::value* answer) {
  switch (c.op) {
    case Change::Op::kLabelNode:
    case Change::Op::kUnlabelNode: {
      bool set = c.op == Change::Op::kLabelNode;
      auto r = client.MergePatch(c.path, own::NodeLabelPatch(c.label_key, set), o.field_manager, o.dry_run);
      // A node that is gone has no label left to remove.
      if (!set && !r.ok() && r.status().kind() == Kind::kNotFound) return Status::Ok();
      if (!r.ok()) return r.status().WithContext((set ? "label " : "unlabel ") + c.what);
      return Status::Ok();
    }
    case Change::Op::kApply: {
      auto r = client.Apply(c.path, c.object, o.field_manager, o.force_conflicts, o.dry_run);
      if (!r.ok()) return r.status().WithContext("apply " + c.what);
      *answer = std::move(*r);
      return Status::Ok();
    }
    case Change::Op::kDelete: {
      Status s = client.Delete(c.path, o.dry_run, c.uid);
      // Gone already is what delete wanted.
      if (!s.ok() && s.kind() != Kind::kNotFound) return s.WithContext("delete " + c.what);
      return Status::Ok();
    }
  }
  return Status(Kind::kInternal, "unknown change");
}

// Takes one step back. Returns OK, or what it could not undo.
Status Undo(kube::Client& client, const Done& d, const ExecuteOptions& o) {
  const Change& c = *d.change;
  switch (c.op) {
    case Change::Op::kLabelNode:
    case Change::Op::kUnlabelNode: {
      bool set_again = c.op == Change::Op::kUnlabelNode;
      auto r = client.MergePatch(c.path, own::NodeLabelPatch(c.label_key, set_again), o.field_manager,
                                 kube::DryRun::kNone);
      return r.status();
    }
    case Change::Op::kApply: {
      if (!c.creates) return Status::Ok();  // it existed before: it keeps this run's update
      Status s = client.Delete(c.path, kube::DryRun::kNone, d.uid);
      return s.ok() || s.kind() == Kind::kNotFound ? Status::Ok() : s;
    }
    case Change::Op::kDelete:
      return Status::Ok();  // not undoable; Execute is told so by undo_on_failure
  }
  return Status::Ok();
}

Status UndoAll(kube::Client& client, const std::vector<Done>& done, const ExecuteOptions& o, const Status& cause) {
  std::string left;
  for (auto it = done.rbegin(); it != done.rend(); ++it) {
    Status s = Undo(client, *it, o);
    if (s.ok()) continue;
    left += (left.empty() ? "" : "; ") + it->change->what + " (" + it->change->undo_hint + ")";
  }
  if (left.empty()) return cause;
  return Status(cause.kind(), cause.message() + "; undoing this run failed too, so these are left: " + left);
}

}  // namespace

Status Execute(kube::Client& client, const std::vector<Change>& changes, const ExecuteOptions& o,
               const ChangeDone& done) {
  std::vector<Done> made;
  for (const Change& c : changes) {
    json::value answer;
    Status s = Do(client, c, o, &answer);
    if (!s.ok()) {
      if (!o.undo_on_failure || o.dry_run != kube::DryRun::kNone) return s;
      return UndoAll(client, made, o, s);
    }
    std::string uid = kube::StrField(kube::ObjField(answer.if_object(), "metadata"), "uid");
    made.push_back({&c, uid});
    if (done) done(c, answer);
  }
  return Status::Ok();
}

std::string DryRunSuffix(kube::DryRun d) {
  return d == kube::DryRun::kServer ? " (server dry run)" : d == kube::DryRun::kClient ? " (dry run)" : "";
}

}  // namespace lm
