// kubectl lm deploy, run whole against a scripted API server (harness.h):
// the requests it sends, in order, what it refuses before writing, and
// what it undoes when a write fails. tests/e2e/deploy_test.sh runs the same
// against the real control plane.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "harness.h"

namespace json = boost::json;
using harness::Harness;

namespace {

constexpr char kKey[] = "phi-3-mini.ml.kubectl-lm.io/fits";
// The bfloat16 nodes that hold phi-3-mini; the T4 (compute capability 7.5)
// runs float16, and one plan never mixes the two.
const std::vector<std::string> kFits = {"gpu-a100-0", "gpu-h100-0", "gpu-l4-0"};
const std::string kService = "/api/v1/namespaces/ml/services/phi-3-mini";
const std::string kDeployment = "/apis/apps/v1/namespaces/ml/deployments/phi-3-mini";

// The server's answer to an apply: the object, given a uid.
harness::Handler Applied(const std::string& uid) {
  return [uid](const kube::HttpRequest& req) -> kube::Result<kube::HttpResponse> {
    json::object o = json::parse(req.body).as_object();
    o["metadata"].as_object()["uid"] = uid;
    kube::HttpResponse r;
    r.status = 200;
    r.body = json::serialize(o);
    return r;
  };
}

// The server's answer to a create: the object with a uid, a
// resourceVersion, and the create recorded as an Update by kubectl-lm.
harness::Handler Created(const std::string& uid) {
  return [uid](const kube::HttpRequest& req) -> kube::Result<kube::HttpResponse> {
    json::object o = json::parse(req.body).as_object();
    json::object& md = o["metadata"].as_object();
    md["uid"] = uid;
    md["resourceVersion"] = "7";
    md["managedFields"] = json::array{json::object{{"manager", "kubectl-lm"}, {"operation", "Update"},
                                                   {"fieldsType", "FieldsV1"}, {"fieldsV1", json::object{}}}};
    kube::HttpResponse r;
    r.status = 201;
    r.body = json::serialize(o);
    return r;
  };
}

const std::string kServices = "/api/v1/namespaces/ml/services";
const std::string kDeployments = "/apis/apps/v1/namespaces/ml/deployments";

struct DeployFixture : Harness {
  DeployFixture() {
    harness::ServeIdleCluster(api);
    harness::AllowEverything(api);
    api.On("PATCH", "/api/v1/nodes/*", 200, json::object{{"kind", "Node"}});
    api.On("POST", kServices, Created("svc-uid"));
    api.On("POST", kDeployments, Created("dep-uid"));
    api.On("PATCH", kService, Applied("svc-uid"));
    api.On("PATCH", kDeployment, Applied("dep-uid"));
  }
  // An object as deploy made it: ours, for phi-3-mini.
  json::object Ours(const std::string& kind, const std::string& labelled_nodes = "") {
    json::object md{{"name", "phi-3-mini"}, {"namespace", "ml"}, {"uid", kind + "-uid"},
                    {"labels", {{"app.kubernetes.io/managed-by", "kubectl-lm"},
                                {"kubectl-lm.io/deployment", "phi-3-mini"}}}};
    if (!labelled_nodes.empty()) md["annotations"] = json::object{{"kubectl-lm.io/labelled-nodes", labelled_nodes}};
    return {{"kind", kind}, {"metadata", md}};
  }
  std::vector<std::string> NonReviewWrites() {
    std::vector<std::string> w;
    for (auto& c : api.Writes()) {
      if (c.find("selfsubjectaccessreviews") == std::string::npos) w.push_back(c);
    }
    return w;
  }
};

std::string LabelPatch(const std::string& node) { return "PATCH /api/v1/nodes/" + node + "?fieldManager=kubectl-lm"; }
const std::string kApplyService = "PATCH " + kService + "?fieldManager=kubectl-lm&fieldValidation=Strict";
const std::string kApplyDeployment = "PATCH " + kDeployment + "?fieldManager=kubectl-lm&fieldValidation=Strict";
const std::string kCreateService = "POST " + kServices + "?fieldManager=kubectl-lm";
const std::string kAdoptService = "PATCH " + kService + "?fieldManager=kubectl-lm";
const std::string kCreateDeployment = "POST " + kDeployments + "?fieldManager=kubectl-lm";
const std::string kAdoptDeployment = "PATCH " + kDeployment + "?fieldManager=kubectl-lm";

}  // namespace

BOOST_FIXTURE_TEST_SUITE(deploy_cmd, DeployFixture)

BOOST_AUTO_TEST_CASE(first_deploy_gathers_checks_labels_then_applies) {
  BOOST_REQUIRE_EQUAL(Run({"deploy", "phi-3-mini"}), 0);
  std::vector<std::string> want = {
      "GET /api/v1/nodes?limit=500",
      "GET /api/v1/pods?fieldSelector=spec.nodeName%21%3D%2Cstatus.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed&limit=500",
      // The model's pulled cache, if any (none here).
      "GET /api/v1/namespaces/ml/persistentvolumeclaims/lm-cache-phi-3-mini-4k",
      "GET " + kService, "GET " + kDeployment};
  for (const auto& n : kFits) want.push_back("GET /api/v1/nodes/" + n);
  for (int i = 0; i < 5; ++i) want.push_back("POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
  for (const auto& n : kFits) want.push_back(LabelPatch(n));
  // Absent objects are created, never applied over something that appeared
  // meanwhile; each create's fields then go to the apply manager, and one
  // apply leaves exactly the applied fields owned.
  for (const auto& w : {kCreateService, kAdoptService, kApplyService, kCreateDeployment, kAdoptDeployment,
                        kApplyDeployment}) {
    want.push_back(w);
  }
  auto calls = api.Calls();
  BOOST_CHECK_EQUAL_COLLECTIONS(calls.begin(), calls.end(), want.begin(), want.end());
  // The label patch sets exactly our key.
  BOOST_CHECK_EQUAL(json::serialize(api.WriteBody(5)), std::string(R"({"metadata":{"labels":{")") + kKey + R"(":"true"}}})");
  BOOST_CHECK_EQUAL(json::serialize(api.WriteBody(9)),
                    R"({"metadata":{"managedFields":[{"manager":"kubectl-lm","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{}}],"resourceVersion":"7"}})");
  // ... and that apply is of the very object created.
  BOOST_CHECK_EQUAL(api.WriteBody(10).at("metadata").at("uid").as_string(), "svc-uid");
  BOOST_CHECK_EQUAL(out.str(), "node/gpu-a100-0 labeled\nnode/gpu-h100-0 labeled\nnode/gpu-l4-0 labeled\n"
                               "service/phi-3-mini created\n"
                               "deployment.apps/phi-3-mini created\n");
  BOOST_CHECK(err.str().find("secret-token-never-printed") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(rerun_labels_nothing_new_and_unlabels_nodes_that_no_longer_pass) {
  api.On("GET", kService, 200, Ours("Service"));
  api.On("GET", kDeployment, 200, Ours("Deployment", "gpu-a100-0,gpu-h100-0,gpu-l4-0,gpu-t4-0,gpu-gone"));
  for (const auto& n : kFits) {
    json::value node = harness::Testdata("nodes.json");
    for (auto& item : node.at("items").as_array()) {
      if (item.at("metadata").at("name").as_string() != n) continue;
      item.as_object()["metadata"].as_object()["labels"].as_object()[kKey] = "true";
      api.On("GET", "/api/v1/nodes/" + n, 200, item);
    }
  }
  BOOST_REQUIRE_EQUAL(Run({"deploy", "phi-3-mini"}), 0);
  // gpu-t4-0 passed before (a plan that mixed dtypes) and no longer does.
  std::vector<std::string> want = {kApplyService, kApplyDeployment, LabelPatch("gpu-t4-0"), LabelPatch("gpu-gone")};
  auto writes = NonReviewWrites();
  BOOST_CHECK_EQUAL_COLLECTIONS(writes.begin(), writes.end(), want.begin(), want.end());
  // Applied only as the objects that were checked: by their uid.
  BOOST_CHECK_EQUAL(api.WriteBody(5).at("metadata").at("uid").as_string(), "Service-uid");
  BOOST_CHECK_EQUAL(json::serialize(api.WriteBody(7)), std::string(R"({"metadata":{"labels":{")") + kKey + R"(":null}}})");
}

BOOST_AUTO_TEST_CASE(refused_for_a_foreign_service_without_writing) {
  json::object foreign = Ours("Service");
  foreign["metadata"].as_object()["labels"] = json::object{{"app", "someone-else"}};
  api.On("GET", kService, 200, foreign);
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini"}), 1);
  BOOST_CHECK(api.Writes().empty());
  BOOST_CHECK_EQUAL(err.str(), "error: service \"phi-3-mini\" already exists in namespace ml and was not created by "
                               "kubectl lm deploy phi-3-mini; choose another --name or namespace\n");
}

BOOST_AUTO_TEST_CASE(refused_when_it_fits_nowhere_without_writing) {
  BOOST_CHECK_EQUAL(Run({"deploy", "llama-3.3-70b", "--hf-token-secret", "hf", "--node", "gpu-l4-0"}), 1);
  BOOST_CHECK(api.Writes().empty());
  BOOST_CHECK(err.str().find("gpu-l4-0") != std::string::npos);
  BOOST_CHECK(err.str().find("nothing was changed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(refused_at_16_bits_with_the_command_that_fits_at_8) {
  // The 8 H100s hold two TP-4 replicas at 16 bits, and three TP-2 ones at fp8.
  env["HF_TOKEN"] = "hf_never_printed";
  BOOST_CHECK_EQUAL(Run({"deploy", "llama-3.3-70b", "--hf-token-from-env", "--replicas", "3"}), 1);
  BOOST_CHECK(api.Writes().empty());
  BOOST_CHECK(err.str().find("hf_never_printed") == std::string::npos);
  std::string e = err.str();
  BOOST_CHECK_MESSAGE(e.find("error: cannot deploy llama-3.3-70b: it fits only 2 of 3 replicas at TP 4; at 8 bits it "
                             "fits: kubectl lm deploy llama-3.3-70b --hf-token-from-env --quantization fp8 --replicas 3 "
                             "(TP 2 on gpu-h100-0, up to 131072 tokens) (the reasons per node are above; nothing was "
                             "changed)\n") != std::string::npos,
                      e);
}

BOOST_AUTO_TEST_CASE(the_old_name_of_the_3_3_model_points_to_its_new_one) {
  BOOST_CHECK_EQUAL(Run({"deploy", "llama-3.1-70b"}), 1);
  BOOST_CHECK(err.str().find("unknown model \"llama-3.1-70b\"; did you mean \"llama-3.3-70b\"?") != std::string::npos);
  BOOST_CHECK(api.Calls().empty());
}

BOOST_AUTO_TEST_CASE(quantizations_vllm_would_refuse_are_refused_before_any_request) {
  BOOST_CHECK_EQUAL(Run({"deploy", "qwen2.5-7b", "--quantization", "awq"}), 1);
  BOOST_CHECK_EQUAL(err.str(), "error: --quantization awq needs a checkpoint quantized with awq, and "
                               "Qwen/Qwen2.5-7B-Instruct is 16-bit: give such a repo id with its shape flags, or use "
                               "--quantization fp8\n");
  err.str("");
  BOOST_CHECK_EQUAL(Run({"deploy", "org/Model-AWQ", "--quantization", "awq", "--dtype", "bfloat16", "--params", "7",
                         "--layers", "28", "--heads", "28", "--kv-heads", "4", "--head-dim", "128", "--max-context",
                         "32768"}),
                    1);
  BOOST_CHECK_EQUAL(err.str(), "error: --quantization awq runs at float16 in vLLM: drop --dtype bfloat16\n");
  err.str("");
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini", "--quantization", "int3"}), 1);
  BOOST_CHECK(err.str().find("invalid --quantization \"int3\": use fp8, awq or gptq") != std::string::npos);
  BOOST_CHECK(api.Calls().empty());
}

BOOST_AUTO_TEST_CASE(refused_by_rbac_without_writing) {
  harness::AllowEverything(api, false);
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini"}), 1);
  BOOST_CHECK(NonReviewWrites().empty());
  BOOST_CHECK_EQUAL(err.str(), "error: you may not patch nodes at the cluster scope, which deploy needs to label the "
                               "GPU nodes that fit; nothing was changed (ask a cluster admin for that permission)\n");
}

BOOST_AUTO_TEST_CASE(gated_model_is_refused_before_any_request) {
  BOOST_CHECK_EQUAL(Run({"deploy", "llama-3.1-8b"}), 1);
  BOOST_CHECK(api.Calls().empty());
}

BOOST_AUTO_TEST_CASE(failed_apply_undoes_exactly_this_runs_labels_and_objects) {
  // gpu-h100-0 was labelled by someone before: this run leaves it labelled.
  json::value nodes = harness::Testdata("nodes.json");
  for (auto& item : nodes.at("items").as_array()) {
    if (item.at("metadata").at("name").as_string() != "gpu-h100-0") continue;
    item.as_object()["metadata"].as_object()["labels"].as_object()[kKey] = "true";
    api.On("GET", "/api/v1/nodes/gpu-h100-0", 200, item);
  }
  api.On("POST", kDeployments, 500, harness::StatusBody(500, "InternalError", "etcd is down"));
  api.On("DELETE", kService, 200, json::object{{"kind", "Status"}});
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini"}), 1);
  std::vector<std::string> want = {LabelPatch("gpu-a100-0"), LabelPatch("gpu-l4-0"),
                                   kCreateService, kAdoptService, kApplyService, kCreateDeployment,
                                   // undo, newest first
                                   "DELETE " + kService, LabelPatch("gpu-l4-0"), LabelPatch("gpu-a100-0")};
  auto writes = NonReviewWrites();
  BOOST_CHECK_EQUAL_COLLECTIONS(writes.begin(), writes.end(), want.begin(), want.end());
  // The Service is deleted only as the object this run created.
  BOOST_CHECK_EQUAL(api.WriteBody(11).at("preconditions").at("uid").as_string(), "svc-uid");
  BOOST_CHECK_EQUAL(err.str(), "error: create deployment.apps/phi-3-mini: Error from server (InternalError): etcd is down\n");
}

BOOST_AUTO_TEST_CASE(a_service_that_appears_between_the_check_and_the_create_is_refused_and_left_alone) {
  // GET said 404; by the create, someone else's Service of that name exists.
  api.On("POST", kServices, 409, harness::StatusBody(409, "AlreadyExists", "services \"phi-3-mini\" already exists"));
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini"}), 1);
  for (const auto& w : NonReviewWrites()) {
    BOOST_CHECK_MESSAGE(w.find("/services/phi-3-mini") == std::string::npos, "touched the foreign Service: " + w);
  }
  BOOST_CHECK_EQUAL(err.str(), "error: service/phi-3-mini appeared after deploy looked, and not by this run: it is "
                               "left as it is (choose another --name or namespace)\n");
  // This run's labels are gone again.
  auto writes = NonReviewWrites();
  BOOST_CHECK_EQUAL(writes.size(), 3u + 1u + 3u);
}

BOOST_AUTO_TEST_CASE(an_object_created_but_not_adopted_is_undone_like_the_rest) {
  api.On("PATCH", kService, 503, harness::StatusBody(503, "ServiceUnavailable", "etcd leader changed"));
  api.On("DELETE", kService, 200, json::object{{"kind", "Status"}});
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini"}), 1);
  auto writes = NonReviewWrites();
  BOOST_REQUIRE_GE(writes.size(), 6u);
  BOOST_CHECK_EQUAL(writes[3], kCreateService);
  BOOST_CHECK_EQUAL(writes[4], kAdoptService);
  BOOST_CHECK_EQUAL(writes[5], "DELETE " + kService);
  BOOST_CHECK_EQUAL(api.WriteBody(10).at("preconditions").at("uid").as_string(), "svc-uid");
  BOOST_CHECK_EQUAL(writes.size(), 3u + 2u + 1u + 3u);  // labels, create, adopt, delete, unlabels
}

BOOST_AUTO_TEST_CASE(an_interrupt_stops_before_the_next_step_and_undoes_this_run) {
  interrupt_before_step = 2;  // after two nodes are labelled
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini"}), 130);
  std::vector<std::string> want = {LabelPatch("gpu-a100-0"), LabelPatch("gpu-h100-0"),
                                   LabelPatch("gpu-h100-0"), LabelPatch("gpu-a100-0")};
  auto writes = NonReviewWrites();
  BOOST_CHECK_EQUAL_COLLECTIONS(writes.begin(), writes.end(), want.begin(), want.end());
  BOOST_CHECK_EQUAL(json::serialize(api.WriteBody(7)), std::string(R"({"metadata":{"labels":{")") + kKey + R"(":null}}})");
  BOOST_CHECK_EQUAL(err.str(), "error: interrupted; this run's changes were undone\n");
  // A second interrupt at any point would have said what was left.
  BOOST_REQUIRE_EQUAL(left_behind.size(), 4u);
  BOOST_CHECK(left_behind[1].find("node/gpu-h100-0 (kubectl label node gpu-h100-0 " + std::string(kKey) + "-)") !=
              std::string::npos);
  BOOST_CHECK_EQUAL(left_behind.back(), "");
}

BOOST_AUTO_TEST_CASE(an_undo_that_fails_is_reported_with_the_command_that_finishes_it) {
  api.On("POST", kDeployments, 500, harness::StatusBody(500, "InternalError", "etcd is down"));
  api.On("DELETE", kService, 200, json::object{{"kind", "Status"}});
  // gpu-l4-0 takes the label, then refuses to give it back.
  api.On("PATCH", "/api/v1/nodes/gpu-l4-0", 403, harness::StatusBody(403, "Forbidden", "no"));
  api.On("PATCH", "/api/v1/nodes/gpu-l4-0", 200, json::object{{"kind", "Node"}}, 1);
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini"}), 1);
  BOOST_CHECK_EQUAL(err.str(), std::string("error: create deployment.apps/phi-3-mini: Error from server "
                                           "(InternalError): etcd is down; undoing this run failed too, so these "
                                           "are left: node/gpu-l4-0 (kubectl label node gpu-l4-0 ") +
                                   kKey + "-)\n");
}

// The API server dies while a create is in flight: the create may have been
// carried out, with a uid nobody heard. It is not deleted blind (a
// concurrent deploy of the name carries the same labels); the error says it
// may be there. Seen on the real cluster: interrupt_test.sh kills the API
// server mid-deploy.
BOOST_AUTO_TEST_CASE(a_create_whose_answer_was_lost_is_named_as_maybe_left) {
  api.On("POST", kDeployments, [](const kube::HttpRequest&) -> kube::Result<kube::HttpResponse> {
    return kube::Status(kube::Kind::kConnection, "Unable to connect to the server: read: Connection reset by peer");
  });
  api.On("DELETE", kService, 200, json::object{{"kind", "Status"}});
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini"}), 1);
  BOOST_CHECK_EQUAL(err.str(), "error: create deployment.apps/phi-3-mini: Unable to connect to the server: read: "
                               "Connection reset by peer; this may be left: deployment.apps/phi-3-mini if the create "
                               "reached the server (kubectl delete deployment.apps phi-3-mini -n ml)\n");
  auto writes = NonReviewWrites();
  BOOST_CHECK(std::find(writes.begin(), writes.end(), "DELETE " + kService) != writes.end());  // the rest is undone
}

BOOST_AUTO_TEST_CASE(wait_gives_up_at_the_timeout_on_the_fake_clock) {
  api.On("GET", "/apis/apps/v1/namespaces/ml/deployments", 200,
         harness::ListOf({harness::Testdata("deployment-pending.json")}));
  api.On("GET", "/api/v1/namespaces/ml/pods", 200, harness::Testdata("pods-pending.json"));
  api.On("GET", "/api/v1/namespaces/ml/events", 200, harness::Testdata("events.json"));
  auto start = now;
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini", "--wait", "--timeout", "10s"}), 1);
  // Polled every 2 s until 10 s had passed: five sleeps, no real time.
  BOOST_CHECK_EQUAL(slept.size(), 5u);
  BOOST_CHECK(std::all_of(slept.begin(), slept.end(), [](auto d) { return d == std::chrono::seconds(2); }));
  BOOST_CHECK(now - start == std::chrono::seconds(10));
  BOOST_CHECK(err.str().find("error: phi-3-mini is not ready after 10s: Pending: ") != std::string::npos);
}

// Ready pods are not yet an answer: --wait probes (ProbeServer) until the
// server answers. fx-pend (captured) with one replica and its Ready pod.
BOOST_AUTO_TEST_CASE(wait_waits_for_an_answer_not_for_ready_pods) {
  harness::ServeOneReplica(api);
  const std::string probe = "/api/v1/namespaces/default/services/fx-pend:http/proxy/v1/completions";
  // Two refusals (no server behind the pod yet), then an answer.
  api.On("POST", probe, 200, json::object{{"choices", json::array{json::object{{"text", "x"}}}}});
  api.On("POST", probe, 503,
         harness::StatusBody(503, "ServiceUnavailable",
                             "error trying to reach service: dial tcp 10.0.0.5:8000: connect: connection refused"),
         2);
  BOOST_REQUIRE_MESSAGE(Run({"deploy", "phi-3-mini", "--wait"}) == 0, err.str());
  BOOST_CHECK(err.str().find(": Unhealthy: error trying to reach service: dial tcp 10.0.0.5:8000: connect: connection "
                             "refused\n") != std::string::npos);
  BOOST_CHECK(err.str().find(" is ready at http://fx-pend.default.svc/v1 (answered in 0 ms;") != std::string::npos);
  BOOST_CHECK_EQUAL(slept.size(), 2u);
  size_t probes = 0;
  for (const auto& c : api.Calls()) probes += c.find(probe) != std::string::npos;
  BOOST_CHECK_EQUAL(probes, 3u);
}

BOOST_AUTO_TEST_CASE(client_dry_run_sends_only_reads) {
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini", "--dry-run=client"}), 0);
  BOOST_CHECK(api.Writes().empty());
  BOOST_CHECK(out.str().find("kind: Deployment") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// Values from the command line cannot add YAML keys or expand templates.
BOOST_FIXTURE_TEST_SUITE(deploy_injection, DeployFixture)

BOOST_AUTO_TEST_CASE(a_carriage_return_in_a_repo_id_is_refused_up_front) {
  BOOST_CHECK_EQUAL(Run({"deploy", "org/m\r\nevil: 1", "--params", "1", "--layers", "2", "--heads", "2",
                         "--kv-heads", "2", "--head-dim", "64", "--max-context", "4096", "--name", "m"}),
                    1);
  BOOST_CHECK(api.Calls().empty());
  BOOST_CHECK_EQUAL(err.str(), "error: invalid model \"org/m\\x0d\\x0aevil: 1\": a Hugging Face repo id is ORG/NAME "
                               "of letters, digits, '-', '_' and '.' (at most 96 characters)\n");
}

BOOST_AUTO_TEST_CASE(braces_in_a_value_are_not_expanded) {
  BOOST_REQUIRE_EQUAL(Run({"deploy", "phi-3-mini", "--dry-run=client", "-o", "json", "--image", "reg/{{name}}:1"}), 0);
  json::value list = json::parse(out.str());
  bool seen = false;
  for (const auto& o : list.at("items").as_array()) {
    if (o.at("kind").as_string() != "Deployment") continue;
    seen = true;
    BOOST_CHECK_EQUAL(o.at("spec").at("template").at("spec").at("containers").at(0).at("image").as_string(),
                      "reg/{{name}}:1");
  }
  BOOST_CHECK(seen);
}

BOOST_AUTO_TEST_CASE(line_separators_in_yaml_output_are_escaped) {
  // U+2028 is a line break to YAML readers such as PyYAML: printed raw in
  // a plain scalar it would start a new key.
  BOOST_REQUIRE_EQUAL(Run({"deploy", "phi-3-mini", "--dry-run=client", "--storage-class", "fast\u2028evil: 1"}), 0);
  BOOST_CHECK(out.str().find("\u2028") == std::string::npos);
  BOOST_CHECK(out.str().find("\"fast\\u2028evil: 1\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// Where -o and --dry-run=client print the Secret deploy creates, its data
// is masked: the token came from the environment, and kubectl-lm's output
// never holds a secret (see the README).
BOOST_FIXTURE_TEST_SUITE(deploy_secrets, DeployFixture)

BOOST_AUTO_TEST_CASE(the_token_secret_is_masked_in_printed_objects) {
  env["HF_TOKEN"] = "hf_unit_SECRET";
  const std::string b64 = "aGZfdW5pdF9TRUNSRVQ=";
  api.On("POST", "/api/v1/namespaces/ml/secrets", Created("sec-uid"));
  api.On("PATCH", "/api/v1/namespaces/ml/secrets/phi-3-mini-hf-token", Applied("sec-uid"));
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"deploy", "llama-3.1-8b", "--name", "phi-3-mini", "--hf-token-from-env", "--dry-run=client"},
           {"deploy", "llama-3.1-8b", "--name", "phi-3-mini", "--hf-token-from-env", "--dry-run=client", "-o", "json"},
           {"deploy", "llama-3.1-8b", "--name", "phi-3-mini", "--hf-token-from-env", "-o", "yaml"}}) {
    out.str("");
    err.str("");
    BOOST_TEST_CONTEXT(args.back()) {
      int code = Run(args);
      BOOST_CHECK_MESSAGE(code == 0, "err: " + err.str() + " out: " + out.str());
      BOOST_CHECK(out.str().find("kind: Secret") != std::string::npos ||
                  out.str().find("\"kind\": \"Secret\"") != std::string::npos);
      BOOST_CHECK(out.str().find(b64) == std::string::npos);
      BOOST_CHECK(out.str().find("hf_unit_SECRET") == std::string::npos);
      BOOST_CHECK(out.str().find("<masked>") != std::string::npos);
    }
  }
  // ... while the Secret sent to the server holds it.
  bool sent = false;
  for (const auto& r : api.requests()) sent = sent || (r.method == "POST" && r.body.find(b64) != std::string::npos);
  BOOST_CHECK(sent);
}

// --api-key-from-env: the key goes into a Secret deploy creates and reaches
// the server only by reference; printed objects mask it.
BOOST_AUTO_TEST_CASE(the_api_key_is_a_secret_reference_and_masked) {
  env["LM_KEY"] = "sk-unit-KEY";
  const std::string b64 = "c2stdW5pdC1LRVk=";
  api.On("POST", "/api/v1/namespaces/ml/secrets", Created("sec-uid"));
  api.On("PATCH", "/api/v1/namespaces/ml/secrets/phi-3-mini-api-key", Applied("sec-uid"));
  BOOST_REQUIRE_EQUAL(Run({"deploy", "phi-3-mini", "--api-key-from-env", "LM_KEY", "--dry-run=client"}), 0);
  BOOST_CHECK(out.str().find("name: VLLM_API_KEY") != std::string::npos);
  BOOST_CHECK(out.str().find("name: phi-3-mini-api-key") != std::string::npos);
  BOOST_CHECK(out.str().find(b64) == std::string::npos);
  BOOST_CHECK(out.str().find("sk-unit-KEY") == std::string::npos);
  BOOST_CHECK(api.Writes().empty());
  out.str("");
  err.str("");
  BOOST_REQUIRE_EQUAL(Run({"deploy", "phi-3-mini", "--api-key-from-env", "LM_KEY", "-v=10"}), 0);
  BOOST_CHECK((out.str() + err.str()).find("sk-unit-KEY") == std::string::npos);
  BOOST_CHECK((out.str() + err.str()).find(b64) == std::string::npos);
  BOOST_CHECK(out.str().find("secret/phi-3-mini-api-key") != std::string::npos);
  bool sent = false;
  for (const auto& r : api.requests()) sent = sent || (r.method == "POST" && r.body.find(b64) != std::string::npos);
  BOOST_CHECK(sent);
}

BOOST_AUTO_TEST_CASE(api_key_refusals_change_nothing) {
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini", "--api-key-from-env", "LM_UNSET"}), 1);
  BOOST_CHECK_EQUAL(err.str(), "error: --api-key-from-env: LM_UNSET is not set (export the key in it, or pass "
                               "--api-key-secret NAME[:KEY])\n");
  err.str("");
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini", "--api-key-secret", "team-key"}), 1);
  BOOST_CHECK_EQUAL(err.str(), "error: secret \"team-key\" not found in namespace ml (create it: kubectl create "
                               "secret generic team-key --from-literal=api-key=KEY, or pass --api-key-from-env VAR)\n");
  err.str("");
  api.On("GET", "/api/v1/namespaces/ml/secrets/team-key", 200,
         json::object{{"kind", "Secret"}, {"data", {{"token", "eA=="}}}});
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini", "--api-key-secret", "team-key"}), 1);
  BOOST_CHECK_EQUAL(err.str(), "error: secret \"team-key\" has no key \"api-key\" (name the key with "
                               "--api-key-secret team-key:KEY)\n");
  BOOST_CHECK(api.Writes().empty());
  err.str("");
  BOOST_REQUIRE_EQUAL(Run({"deploy", "phi-3-mini", "--api-key-secret", "team-key:token"}), 0);
  bool referenced = false;
  for (const auto& r : api.requests()) {
    referenced = referenced || (r.method == "POST" && r.body.find("\"secretKeyRef\":{\"name\":\"team-key\",\"key\":\"token\"}") != std::string::npos);
    BOOST_CHECK(!(r.method == "POST" && r.target.find("/secrets") != std::string::npos));
  }
  BOOST_CHECK(referenced);
}

BOOST_AUTO_TEST_SUITE_END()

// The Hub, asked before anything changes (plugin/hub.h).
BOOST_FIXTURE_TEST_SUITE(deploy_hub, DeployFixture)

BOOST_AUTO_TEST_CASE(refusals_change_nothing_and_never_show_the_token) {
  env["HF_TOKEN"] = "hf_secret_token_value";
  for (int status : {401, 403, 404}) {
    hub.On("GET", "/api/models/meta-llama/Llama-3.1-8B-Instruct", status, std::string("{}"), 1);
    err.str("");
    BOOST_TEST_CONTEXT(status) {
      BOOST_CHECK_EQUAL(Run({"deploy", "llama-3.1-8b", "--hf-token-from-env", "-v=10"}), 1);
      BOOST_CHECK(NonReviewWrites().empty());
      BOOST_CHECK(err.str().find("hf_secret_token_value") == std::string::npos);
      BOOST_CHECK(err.str().find("(" + std::to_string(status) + ")") != std::string::npos);
    }
  }
  // The token went to the Hub, in the Authorization header only.
  BOOST_REQUIRE(!hub.requests().empty());
  bool sent = false;
  for (const auto& [k, v] : hub.requests().back().headers) sent = sent || (k == "Authorization" && v == "Bearer hf_secret_token_value");
  BOOST_CHECK(sent);
}

BOOST_AUTO_TEST_CASE(a_gated_repo_whose_files_the_token_may_not_read_is_refused) {
  env["HF_TOKEN"] = "hf_not_granted";
  hub.On("GET", "/api/models/meta-llama/Llama-3.1-8B-Instruct", 200, json::value(json::object{{"gated", "manual"}}));
  hub.On("HEAD", "/meta-llama/Llama-3.1-8B-Instruct/resolve/main/config.json", 403, std::string());
  BOOST_CHECK_EQUAL(Run({"deploy", "llama-3.1-8b", "--hf-token-from-env"}), 1);
  BOOST_CHECK(err.str().find("the token may not read meta-llama/Llama-3.1-8B-Instruct (403): request access on "
                             "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct") != std::string::npos);
  BOOST_CHECK(NonReviewWrites().empty());
}

BOOST_AUTO_TEST_CASE(an_unreachable_hub_or_skip_hub_check_warns_and_goes_on) {
  hub.On("GET", "/api/models/*", [](const kube::HttpRequest&) -> kube::Result<kube::HttpResponse> {
    return kube::Status(kube::Kind::kConnection, "dial tcp: lookup huggingface.co: no such host");
  });
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini"}), 0);
  BOOST_CHECK(err.str().find("Warning: could not reach the Hugging Face Hub") != std::string::npos);
  size_t asked = hub.requests().size();
  err.str("");
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini", "--skip-hub-check"}), 0);
  BOOST_CHECK_EQUAL(hub.requests().size(), asked);
  BOOST_CHECK(err.str().find("Warning: --skip-hub-check") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_catalog_size_the_hub_disagrees_with_is_reported) {
  // 3.82B BF16 parameters are 7.1 GiB, as the catalog says: no warning.
  hub.On("GET", "/api/models/microsoft/Phi-3-mini-4k-instruct", 200,
         json::parse(R"({"gated":false,"safetensors":{"parameters":{"BF16":3821079552},"total":3821079552}})"), 1);
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini", "--dry-run=client"}), 0);
  BOOST_CHECK(err.str().find("Warning") == std::string::npos);
  hub.On("GET", "/api/models/microsoft/Phi-3-mini-4k-instruct", 200,
         json::parse(R"({"gated":false,"safetensors":{"parameters":{"F32":3821079552},"total":3821079552}})"), 1);
  err.str("");
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini", "--dry-run=client"}), 0);
  BOOST_CHECK(err.str().find("Warning: the catalog sizes phi-3-mini-4k at 7.1 GiB, the Hub's "
                             "microsoft/Phi-3-mini-4k-instruct at 14.2 GiB") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(deploy_hub_secret, DeployFixture)

BOOST_AUTO_TEST_CASE(the_secrets_token_is_checked_when_readable) {
  // "hf_from_secret" in the Secret's data.token.
  api.On("GET", "/api/v1/namespaces/ml/secrets/hf", 200,
         json::value(json::object{{"kind", "Secret"}, {"data", json::object{{"token", "aGZfZnJvbV9zZWNyZXQ="}}}}));
  hub.On("GET", "/api/models/meta-llama/Llama-3.1-8B-Instruct", 403, std::string("{}"));
  BOOST_CHECK_EQUAL(Run({"deploy", "llama-3.1-8b", "--hf-token-secret", "hf"}), 1);
  BOOST_CHECK(err.str().find("the token may not read meta-llama/Llama-3.1-8B-Instruct (403)") != std::string::npos);
  BOOST_CHECK(err.str().find("hf_from_secret") == std::string::npos);
  bool sent = false;
  for (const auto& [k, v] : hub.requests().back().headers) sent = sent || v == "Bearer hf_from_secret";
  BOOST_CHECK(sent);
}

BOOST_AUTO_TEST_CASE(an_unreadable_secret_turns_a_refusal_into_a_warning) {
  // This user may not read the Secret (the pod may): the Hub's answer to an
  // anonymous question proves nothing about that token.
  api.On("GET", "/api/v1/namespaces/ml/secrets/hf", 403,
         harness::StatusBody(403, "Forbidden", "secrets \"hf\" is forbidden"));
  hub.On("GET", "/api/models/meta-llama/Llama-3.1-8B-Instruct", 401, std::string("{}"));
  Run({"deploy", "llama-3.1-8b", "--hf-token-secret", "hf", "--dry-run=client"});
  BOOST_CHECK(err.str().find("Warning: cannot read secret hf: whether its token may read "
                             "meta-llama/Llama-3.1-8B-Instruct is not checked") != std::string::npos);
  BOOST_CHECK(err.str().find("error: the Hugging Face Hub") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(deploy_hub_endpoint, DeployFixture)

BOOST_AUTO_TEST_CASE(an_endpoint_the_transport_cannot_use_is_named_as_hf_endpoint) {
  env["HF_ENDPOINT"] = "http://mirror.example";
  hub.On("GET", "/api/models/*", [](const kube::HttpRequest&) -> kube::Result<kube::HttpResponse> {
    return kube::Status(kube::Kind::kInvalidConfig, "server http://mirror.example: only https:// servers are supported");
  });
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini"}), 1);
  BOOST_CHECK_EQUAL(err.str(), "error: HF_ENDPOINT http://mirror.example: server http://mirror.example: only https:// "
                               "servers are supported (set it to https://HOST, or unset it for https://huggingface.co)\n");
  BOOST_CHECK(NonReviewWrites().empty());
}

BOOST_AUTO_TEST_CASE(a_refused_connection_warns_without_the_api_servers_hints) {
  hub.On("GET", "/api/models/*", [](const kube::HttpRequest&) -> kube::Result<kube::HttpResponse> {
    return kube::Status(kube::Kind::kConnection,
                        "The connection to the server huggingface.co:443 was refused - did you specify the right host "
                        "or port?");
  });
  BOOST_CHECK_EQUAL(Run({"deploy", "phi-3-mini", "--dry-run=client"}), 0);
  BOOST_CHECK(err.str().find("Warning: could not reach the Hugging Face Hub (The connection to the server "
                             "huggingface.co:443 was refused); ") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
