#include <boost/test/unit_test.hpp>

#include "plugin/deploy.h"

using namespace lm;

BOOST_AUTO_TEST_SUITE(deploy_args)

BOOST_AUTO_TEST_CASE(parses_every_flag) {
  auto o = ParseDeployArgs({"phi-3-mini", "--name", "chat", "--replicas=2", "--tensor-parallel", "2",
                            "--context-length", "8192", "--dtype", "float16", "--node", "a", "--node", "b",
                            "--image", "img:1", "--hf-token-secret", "hf:key", "--cache-size", "50Gi",
                            "--storage-class", "fast", "--expose", "NodePort", "--dry-run=server", "-o", "yaml",
                            "--wait", "--timeout", "5m", "--field-manager", "me", "--force-conflicts"});
  BOOST_REQUIRE_MESSAGE(o.ok(), o.status().message());
  BOOST_CHECK_EQUAL(o->model, "phi-3-mini");
  BOOST_CHECK_EQUAL(o->name, "chat");
  BOOST_CHECK_EQUAL(o->plan.replicas, 2);
  BOOST_CHECK_EQUAL(o->plan.tp.value(), 2);
  BOOST_CHECK_EQUAL(o->plan.context.value(), 8192);
  BOOST_CHECK_EQUAL(o->plan.dtype, "float16");
  BOOST_CHECK_EQUAL(o->plan.nodes.size(), 2u);
  BOOST_CHECK_EQUAL(o->image, "img:1");
  BOOST_CHECK_EQUAL(o->hf_token_secret, "hf");
  BOOST_CHECK_EQUAL(o->hf_token_key, "key");
  BOOST_CHECK_EQUAL(o->cache_size, "50Gi");
  BOOST_CHECK_EQUAL(o->expose, "NodePort");
  BOOST_CHECK(o->dry_run == kube::DryRun::kServer);
  BOOST_CHECK_EQUAL(o->output, "yaml");
  BOOST_CHECK(o->wait);
  BOOST_CHECK(o->timeout == std::chrono::minutes(5));
  BOOST_CHECK_EQUAL(o->field_manager, "me");
  BOOST_CHECK(o->force_conflicts);
}

BOOST_AUTO_TEST_CASE(defaults) {
  auto o = ParseDeployArgs({"qwen2.5-7b"});
  BOOST_REQUIRE(o.ok());
  BOOST_CHECK_EQUAL(o->image, DefaultImage());
  BOOST_CHECK(o->dry_run == kube::DryRun::kNone);
  BOOST_CHECK_EQUAL(o->field_manager, "kubectl-lm");
  BOOST_CHECK_EQUAL(o->expose, "ClusterIP");
  BOOST_CHECK(ParseDeployArgs({"x", "--dry-run"})->dry_run == kube::DryRun::kClient);
}

BOOST_AUTO_TEST_CASE(bad_input_is_one_line) {
  struct Case { std::vector<std::string> args; const char* want; };
  const Case cases[] = {
      {{}, "deploy needs a MODEL"},
      {{"a", "b"}, "deploy takes one MODEL"},
      {{"a", "--expose", "Ingress"}, "invalid --expose \"Ingress\""},
      {{"a", "--dry-run=maybe"}, "invalid --dry-run \"maybe\""},
      {{"a", "--replicas", "0"}, "invalid --replicas \"0\""},
      {{"a", "--cache-size", "lots"}, "invalid --cache-size \"lots\""},
      {{"a", "--hf-token-secret", "s", "--hf-token-from-env"}, "cannot be used together"},
      {{"a", "--api-key-secret", "k", "--api-key-from-env", "KEY"}, "cannot be used together"},
      {{"a", "--api-key-secret", "a/b"}, "invalid --api-key-secret \"a/b\": use NAME or NAME:KEY"},
      {{"a", "--api-key-secret", "k:"}, "invalid --api-key-secret \"k:\""},
      {{"a", "--api-key-secret", "k:a b"}, "invalid --api-key-secret \"k:a b\""},
      {{"a", "--hf-token-secret", "../x"}, "invalid --hf-token-secret \"../x\""},
      {{"a", "--api-key-from-env", "A=B"}, "invalid --api-key-from-env \"A=B\""},
      {{"a", "--bogus"}, "unknown flag \"--bogus\""},
      {{"a", "-o", "table"}, "unable to match a printer"},
  };
  for (const auto& c : cases) {
    auto o = ParseDeployArgs(c.args);
    BOOST_TEST_CONTEXT(c.want) {
      BOOST_REQUIRE(!o.ok());
      BOOST_CHECK(o.status().message().find(c.want) != std::string::npos);
      BOOST_CHECK(o.status().message().find('\n') == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(names) {
  BOOST_CHECK(ValidDeploymentName("phi-3-mini"));
  BOOST_CHECK(!ValidDeploymentName("qwen2.5-7b"));
  BOOST_CHECK(!ValidDeploymentName("3phi"));
  BOOST_CHECK(!ValidDeploymentName(std::string(41, 'a')));
}

BOOST_AUTO_TEST_SUITE_END()
