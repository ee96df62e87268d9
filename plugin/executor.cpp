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

// The patch that hands the fields `object` records as this manager's
// Update to its Apply, on the object's resourceVersion; other managers'
// entries (a controller writing status) are kept as they are.
json::object AdoptPatch(const json::value& object, const std::string& manager) {
  const json::object* md = kube::ObjField(object.if_object(), "metadata");
  json::array fields;
  if (const json::array* mf = kube::ArrField(md, "managedFields")) fields = *mf;
  for (auto& f : fields) {
    json::object* e = f.if_object();
    if (e && kube::StrField(e, "manager") == manager && kube::StrField(e, "operation") == "Update") {
      (*e)["operation"] = "Apply";
    }
  }
  return {{"metadata", {{"managedFields", std::move(fields)}, {"resourceVersion", kube::StrField(md, "resourceVersion")}}}};
}

// How often AdoptFields reads again after a controller changed the object
// in between (the Deployment controller writes status at once).
constexpr int kAdoptAttempts = 5;

kube::Result<json::value> AdoptFields(kube::Client& client, const Change& c, const ExecuteOptions& o,
                                      json::value current) {
  for (int attempt = 1;; ++attempt) {
    auto r = client.MergePatch(c.path, AdoptPatch(current, o.field_manager), o.field_manager, kube::DryRun::kNone);
    if (r.ok() || r.status().kind() != Kind::kConflict || attempt == kAdoptAttempts) return r;
    auto again = client.Get(c.path);
    if (!again.ok()) return again.status();
    current = std::move(*again);
  }
}

// Creates the object rather than applying it, so that one of its name that
// appeared since the plan was made is refused (409 AlreadyExists), never
// merged into. Then hands the created fields to the apply manager: the API
// server records a create as an Update, and a later apply by the same
// manager name would conflict with it (seen on kube-apiserver v1.36: "Apply
// failed with 1 conflict: conflict with "kubectl-lm""). The managedFields
// entry is rewritten from Update to Apply, on the resourceVersion just
// created, as kubectl's csaupgrade does when it moves client-side apply to
// server-side apply. A create records defaulted fields too; one apply of
// the same object right after leaves exactly the applied fields owned, so
// that the next identical deploy changes nothing (not even managedFields).
// Sets *created_uid as soon as the object exists, so that a failure after
// that is undone like any other step of this run.
kube::Result<json::value> CreateForApply(kube::Client& client, const Change& c, const ExecuteOptions& o,
                                         std::string* created_uid) {
  auto created = client.Create(c.path.substr(0, c.path.rfind('/')), c.object, o.field_manager, kube::DryRun::kNone);
  if (!created.ok() && created.status().kind() == Kind::kAlreadyExists) {
    return Status(Kind::kAlreadyExists, c.what + " appeared after deploy looked, and not by this run: it is left as "
                                                 "it is (choose another --name or namespace)");
  }
  if (!created.ok()) return created.status().WithContext("create " + c.what);
  const std::string uid = kube::StrField(kube::ObjField(created->if_object(), "metadata"), "uid");
  *created_uid = uid;
  auto adopted = AdoptFields(client, c, o, *created);
  if (adopted.ok()) {
    json::object object = c.object;
    object["metadata"].as_object()["uid"] = uid;  // this very object, not one made again since
    adopted = client.Apply(c.path, object, o.field_manager, false, kube::DryRun::kNone);
    if (adopted.ok()) return adopted;
  }
  return adopted.status().WithContext("take over the fields of " + c.what);
}

Status Do(kube::Client& client, const Change& c, const ExecuteOptions& o, json::value* answer,
          std::string* created_uid) {
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
      // A dry run creates nothing, so has no race to lose: it applies.
      auto r = c.creates && o.dry_run == kube::DryRun::kNone
                   ? CreateForApply(client, c, o, created_uid)
                   : client.Apply(c.path, c.object, o.field_manager, o.force_conflicts, o.dry_run);
      if (!r.ok() && c.creates && o.dry_run == kube::DryRun::kNone) return r.status();
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

// "node/gpu-0 (kubectl label node gpu-0 KEY-); ..." for `done`.
std::string Leftovers(std::vector<Done>::const_iterator begin, std::vector<Done>::const_iterator end) {
  std::string left;
  for (auto it = begin; it != end; ++it) {
    left += (left.empty() ? "" : "; ") + it->change->what + " (" + it->change->undo_hint + ")";
  }
  return left;
}

void TellLeft(const ExecuteOptions& o, const std::string& left) {
  if (o.interrupts) o.interrupts->SetLeftBehind(left);
}

// Undoes `done`, last first. `maybe` names what may be there without this
// run knowing (a create whose answer was lost): it cannot be undone, only
// reported beside what the undo could not remove.
Status UndoAll(kube::Client& client, std::vector<Done> done, const ExecuteOptions& o, const Status& cause,
               const std::string& maybe) {
  std::string left;
  while (!done.empty()) {
    Done d = done.back();
    done.pop_back();
    Status s = Undo(client, d, o);
    if (!s.ok()) left += (left.empty() ? "" : "; ") + d.change->what + " (" + d.change->undo_hint + ")";
    TellLeft(o, left + (left.empty() || done.empty() ? "" : "; ") + Leftovers(done.begin(), done.end()));
  }
  if (left.empty() && maybe.empty()) return cause;
  if (left.empty()) return Status(cause.kind(), cause.message() + "; this may be left: " + maybe);
  return Status(cause.kind(), cause.message() + "; undoing this run failed too, so these are left: " + left +
                                  (maybe.empty() ? "" : "; " + maybe));
}

}  // namespace

Status Execute(kube::Client& client, const std::vector<Change>& changes, const ExecuteOptions& o,
               const ChangeDone& done) {
  std::vector<Done> made;
  for (const Change& c : changes) {
    json::value answer;
    std::string created_uid;
    Status s = o.interrupts && o.interrupts->Requested()
                   ? Status(Kind::kInterrupted, o.undo_on_failure ? "interrupted; this run's changes were undone"
                                                                  : "interrupted; " + o.finish_hint + " finishes the job")
                   : Do(client, c, o, &answer, &created_uid);
    if (!s.ok()) {
      if (!o.undo_on_failure || o.dry_run != kube::DryRun::kNone) return s;
      if (!created_uid.empty()) made.push_back({&c, created_uid});  // created, then a later part failed
      // A create whose answer was lost (the connection broke, or the server
      // died) may have been carried out. Its uid is unknown, so it cannot be
      // deleted safely (a concurrent deploy of the name has the same labels):
      // say it may be there.
      bool lost_answer = s.kind() == Kind::kConnection || s.kind() == Kind::kTls;
      std::string maybe = c.creates && created_uid.empty() && lost_answer
                              ? c.what + " if the create reached the server (" + c.undo_hint + ")"
                              : "";
      return UndoAll(client, made, o, s, maybe);
    }
    std::string uid = kube::StrField(kube::ObjField(answer.if_object(), "metadata"), "uid");
    made.push_back({&c, uid});
    if (o.undo_on_failure) TellLeft(o, Leftovers(made.begin(), made.end()));
    if (done) done(c, answer);
  }
  return Status::Ok();
}

std::string DryRunSuffix(kube::DryRun d) {
  return d == kube::DryRun::kServer ? " (server dry run)" : d == kube::DryRun::kClient ? " (dry run)" : "";
}

}  // namespace lm
