// What deploy renders from manifests/: the objects, and the server's command
// line in the container (gpu::ServerCommand, pinned in gpu/server_test.cpp).
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include "kube/printable.h"
#include "plugin/render.h"

using namespace lm;
namespace json = boost::json;

namespace {

DeploySpec Spec(const std::string& model, int tp) {
  DeploySpec s;
  s.name = "m";
  s.namespace_ = "ml";
  s.model = *gpu::FindModel(model);
  s.plan.tp = tp;
  s.plan.context = 8192;
  s.plan.resource = "nvidia.com/gpu";
  s.plan.nodes = {"gpu-a", "gpu-b"};
  s.plan.summary = "TP " + std::to_string(tp);
  s.image = "example/img:1";
  return s;
}

json::object& Container(json::object& d) {
  return d["spec"].as_object()["template"].as_object()["spec"].as_object()["containers"].as_array()[0].as_object();
}

std::string Env(json::object& c, const std::string& name) {
  for (auto& e : c["env"].as_array()) {
    if (e.as_object()["name"].as_string() == name) {
      auto* v = e.as_object().if_contains("value");
      return v ? std::string(v->as_string()) : "<from secret>";
    }
  }
  return "<absent>";
}

std::string CommandLine(json::object& c) {
  std::string line;
  for (const char* part : {"command", "args"}) {
    for (auto& a : c[part].as_array()) line += (line.empty() ? "" : " ") + std::string(a.as_string());
  }
  return line;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(render)

BOOST_AUTO_TEST_CASE(tp1_deployment_and_service) {
  auto objs = Render(Spec("phi-3-mini-4k", 1));
  BOOST_REQUIRE(objs.ok());
  BOOST_REQUIRE_EQUAL(objs->size(), 2u);
  json::object& svc = (*objs)[0];
  json::object& dep = (*objs)[1];
  BOOST_CHECK_EQUAL(svc["kind"].as_string(), "Service");
  BOOST_CHECK_EQUAL(ObjectPath(dep), "/apis/apps/v1/namespaces/ml/deployments/m");
  BOOST_CHECK_EQUAL(ObjectPath(svc), "/api/v1/namespaces/ml/services/m");
  BOOST_CHECK_EQUAL(KindForOutput(dep), "deployment.apps");
  json::object& c = Container(dep);
  BOOST_CHECK_EQUAL(c["command"].as_array().size(), 2u);  // vllm serve; the rest are args
  BOOST_CHECK_EQUAL(CommandLine(c), "vllm serve microsoft/Phi-3-mini-4k-instruct --served-model-name phi-3-mini-4k "
                                    "--tensor-parallel-size 1 --max-model-len 8192 --gpu-memory-utilization 0.90 "
                                    "--dtype bfloat16 --host 0.0.0.0 --port 8000");
  // Non-root with any image: $HOME and every cache on the cache volume.
  BOOST_CHECK_EQUAL(Env(c, "HOME"), "/home/vllm/.cache");
  BOOST_CHECK_EQUAL(Env(c, "HF_HOME"), "/home/vllm/.cache/huggingface");
  BOOST_CHECK_EQUAL(c["volumeMounts"].as_array()[0].as_object()["mountPath"].as_string(), "/home/vllm/.cache");
  BOOST_CHECK_EQUAL(Env(c, "HF_TOKEN"), "<absent>");
  BOOST_CHECK_EQUAL(c["resources"].as_object()["limits"].as_object()["nvidia.com/gpu"].as_string(), "1");
  BOOST_CHECK_EQUAL(c["ports"].as_array()[0].as_object()["containerPort"].as_int64(), 8000);
  BOOST_CHECK_EQUAL(c["startupProbe"].as_object()["failureThreshold"].as_int64(), 180);
  BOOST_CHECK_EQUAL(c["startupProbe"].as_object()["httpGet"].as_object()["path"].as_string(), "/health");
  auto& pod = dep["spec"].as_object()["template"].as_object()["spec"].as_object();
  BOOST_CHECK_EQUAL(pod["volumes"].as_array().size(), 1u);  // no /dev/shm at TP 1
  BOOST_CHECK(pod["securityContext"].as_object()["runAsNonRoot"].as_bool());
  auto& term = pod["affinity"].as_object()["nodeAffinity"].as_object()["requiredDuringSchedulingIgnoredDuringExecution"]
                   .as_object()["nodeSelectorTerms"].as_array()[0].as_object()["matchExpressions"].as_array()[0].as_object();
  BOOST_CHECK_EQUAL(term["key"].as_string(), "m.ml.kubectl-lm.io/fits");
  BOOST_CHECK_EQUAL(dep["metadata"].as_object()["annotations"].as_object()["kubectl-lm.io/labelled-nodes"].as_string(), "gpu-a,gpu-b");
  BOOST_CHECK_EQUAL(dep["metadata"].as_object()["labels"].as_object()["app.kubernetes.io/managed-by"].as_string(), "kubectl-lm");
  BOOST_CHECK_EQUAL(dep["spec"].as_object()["replicas"].as_int64(), 1);
}

BOOST_AUTO_TEST_CASE(tp4_has_shm_and_mistral_flags_and_secret) {
  DeploySpec s = Spec("mistral-7b", 4);
  s.hf_secret = "m-hf-token";
  s.hf_token = "hf_abc";
  auto objs = Render(s);
  BOOST_REQUIRE(objs.ok());
  BOOST_REQUIRE_EQUAL(objs->size(), 3u);
  json::object& secret = (*objs)[0];
  BOOST_CHECK_EQUAL(secret["kind"].as_string(), "Secret");
  BOOST_CHECK_EQUAL(secret["data"].as_object()["token"].as_string(), "aGZfYWJj");
  json::object& c = Container((*objs)[2]);
  BOOST_CHECK(CommandLine(c).find(" --tensor-parallel-size 4 ") != std::string::npos);
  BOOST_CHECK(CommandLine(c).find(" --tokenizer-mode mistral --config-format mistral --load-format mistral ") !=
              std::string::npos);
  BOOST_CHECK_EQUAL(Env(c, "HF_TOKEN"), "<from secret>");
  BOOST_CHECK_EQUAL(c["resources"].as_object()["limits"].as_object()["nvidia.com/gpu"].as_string(), "4");
  auto& mounts = c["volumeMounts"].as_array();
  BOOST_REQUIRE_EQUAL(mounts.size(), 2u);
  BOOST_CHECK_EQUAL(mounts[1].as_object()["mountPath"].as_string(), "/dev/shm");
}

// The key reaches the server as VLLM_API_KEY from the Secret, never as a
// value in the Deployment; deploy's own Secret holds it under api-key.
BOOST_AUTO_TEST_CASE(an_api_key_is_a_secret_reference) {
  DeploySpec s = Spec("phi-3-mini-4k", 1);
  s.api_secret = "m-api-key";
  s.api_key_value = "sk-local-123";
  auto objs = Render(s);
  BOOST_REQUIRE(objs.ok());
  BOOST_REQUIRE_EQUAL(objs->size(), 3u);
  json::object& secret = (*objs)[0];
  BOOST_CHECK_EQUAL(secret["metadata"].as_object()["name"].as_string(), "m-api-key");
  BOOST_CHECK_EQUAL(secret["metadata"].as_object()["labels"].as_object()["kubectl-lm.io/deployment"].as_string(), "m");
  BOOST_CHECK_EQUAL(secret["data"].as_object()["api-key"].as_string(), "c2stbG9jYWwtMTIz");
  json::object& dep = (*objs)[2];
  json::object& c = Container(dep);
  BOOST_CHECK_EQUAL(Env(c, "VLLM_API_KEY"), "<from secret>");
  BOOST_CHECK_EQUAL(Env(c, "HF_TOKEN"), "<absent>");
  BOOST_CHECK(CommandLine(c).find("api-key") == std::string::npos);
  BOOST_CHECK(json::serialize(dep).find("sk-local") == std::string::npos);
  for (auto& e : c["env"].as_array()) {
    if (e.as_object()["name"] != "VLLM_API_KEY") continue;
    auto& ref = e.as_object()["valueFrom"].as_object()["secretKeyRef"].as_object();
    BOOST_CHECK_EQUAL(ref["name"].as_string(), "m-api-key");
    BOOST_CHECK_EQUAL(ref["key"].as_string(), "api-key");
  }
  // A Secret of the user's: referenced, not rendered.
  DeploySpec theirs = Spec("phi-3-mini-4k", 1);
  theirs.api_secret = "team-key";
  theirs.api_key = "token";
  auto objs2 = Render(theirs);
  BOOST_REQUIRE(objs2.ok());
  BOOST_REQUIRE_EQUAL(objs2->size(), 2u);
  BOOST_CHECK_EQUAL(Env(Container((*objs2)[1]), "VLLM_API_KEY"), "<from secret>");
  BOOST_CHECK(Env(Container((*objs)[2]), "HF_TOKEN") == "<absent>");
  // None: no variable at all.
  auto open = Render(Spec("phi-3-mini-4k", 1));
  BOOST_REQUIRE(open.ok());
  BOOST_CHECK_EQUAL(Env(Container((*open)[1]), "VLLM_API_KEY"), "<absent>");
}

BOOST_AUTO_TEST_CASE(storage_class_gives_a_claim_and_mig_a_slice_resource) {
  DeploySpec s = Spec("phi-3-mini-4k", 1);
  s.storage_class = "fast";
  s.plan.resource = "nvidia.com/mig-3g.40gb";
  auto objs = Render(s);
  BOOST_REQUIRE(objs.ok());
  BOOST_CHECK_EQUAL((*objs)[0]["kind"].as_string(), "PersistentVolumeClaim");
  BOOST_CHECK_EQUAL((*objs)[0]["spec"].as_object()["storageClassName"].as_string(), "fast");
  json::object& dep = (*objs).back();
  auto& vol = dep["spec"].as_object()["template"].as_object()["spec"].as_object()["volumes"].as_array()[0].as_object();
  BOOST_CHECK_EQUAL(vol["persistentVolumeClaim"].as_object()["claimName"].as_string(), "m-cache");
  BOOST_CHECK(Container(dep)["resources"].as_object()["limits"].as_object().contains("nvidia.com/mig-3g.40gb"));
}

BOOST_AUTO_TEST_CASE(server_args_quantization_and_dtype_reach_the_command_line) {
  DeploySpec s = Spec("phi-3-mini-4k", 1);
  s.dtype = "float16";
  s.quantization = "fp8";
  s.server_args = {"--enable-prefix-caching", "--chat-template=a b"};
  auto objs = Render(s);
  BOOST_REQUIRE(objs.ok());
  BOOST_CHECK_EQUAL(CommandLine(Container((*objs)[1])),
                    "vllm serve microsoft/Phi-3-mini-4k-instruct --served-model-name phi-3-mini-4k "
                    "--tensor-parallel-size 1 --max-model-len 8192 --gpu-memory-utilization 0.90 --dtype float16 "
                    "--quantization fp8 --host 0.0.0.0 --port 8000 --enable-prefix-caching --chat-template=a b");
}

BOOST_AUTO_TEST_CASE(values_cannot_break_out_of_their_scalar) {
  DeploySpec s = Spec("phi-3-mini-4k", 1);
  s.image = "evil\"\n  injected: true";
  auto objs = Render(s);
  BOOST_REQUIRE(objs.ok());
  BOOST_CHECK_EQUAL(Container((*objs)[1])["image"].as_string(), "evil\"\n  injected: true");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(invalid_utf8_is_refused_before_anything_is_printed) {
  // Found by tests/fuzz/render_fuzz: a byte 0x97 in the image printed YAML
  // that did not read back as the same value.
  BOOST_CHECK(kube::ValidUtf8("caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x9a\x80"));
  for (const char* bad : {"\x97", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x80"}) {
    BOOST_CHECK(!kube::ValidUtf8(bad));
  }
}

// kubectl lm pull's objects (the e2e cache_test.sh applies them to a real API server).
namespace {

CacheSpec Cache() {
  CacheSpec s;
  s.cache = "lm-cache-phi-3-mini-4k";
  s.namespace_ = "ml";
  s.model = *gpu::FindModel("phi-3-mini-4k");
  s.size = "9Gi";
  s.image = "registry.example/vllm:1";
  return s;
}

const json::object& Container(const json::object& job) {
  return job.at("spec").at("template").at("spec").at("containers").as_array()[0].as_object();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(render_cache)

BOOST_AUTO_TEST_CASE(a_claim_and_a_job_without_a_token) {
  auto objects = RenderCache(Cache());
  BOOST_REQUIRE(objects.ok());
  BOOST_REQUIRE_EQUAL(objects->size(), 2u);
  const json::object& pvc = (*objects)[0];
  BOOST_CHECK_EQUAL(pvc.at("kind").as_string(), "PersistentVolumeClaim");
  // No class named: the cluster's default, not "" (which turns provisioning off).
  BOOST_CHECK(!pvc.at("spec").as_object().contains("storageClassName"));
  BOOST_CHECK_EQUAL(pvc.at("spec").at("resources").at("requests").at("storage").as_string(), "9Gi");
  const json::object& job = (*objects)[1];
  BOOST_CHECK_EQUAL(job.at("kind").as_string(), "Job");
  for (const auto& e : Container(job).at("env").as_array()) BOOST_CHECK_NE(e.at("name").as_string(), "HF_TOKEN");
  BOOST_CHECK_EQUAL(Container(job).at("args").as_array()[0].as_string(), "microsoft/Phi-3-mini-4k-instruct");
}

BOOST_AUTO_TEST_CASE(a_token_from_the_environment_goes_into_a_secret_the_job_references) {
  CacheSpec s = Cache();
  s.storage_class = "fast";
  s.hf_secret = s.cache + "-hf-token";
  s.hf_token = "hf_secret_value";
  auto objects = RenderCache(s);
  BOOST_REQUIRE(objects.ok());
  BOOST_REQUIRE_EQUAL(objects->size(), 3u);
  BOOST_CHECK_EQUAL((*objects)[0].at("kind").as_string(), "Secret");
  BOOST_CHECK_EQUAL((*objects)[1].at("spec").at("storageClassName").as_string(), "fast");
  const json::object& job = (*objects)[2];
  BOOST_CHECK(json::serialize(job).find("hf_secret_value") == std::string::npos);
  bool referenced = false;
  for (const auto& e : Container(job).at("env").as_array()) {
    if (e.at("name").as_string() == "HF_TOKEN") {
      referenced = e.at("valueFrom").at("secretKeyRef").at("name").as_string() == "lm-cache-phi-3-mini-4k-hf-token";
    }
  }
  BOOST_CHECK(referenced);
}

BOOST_AUTO_TEST_SUITE_END()
