// Completion is pure: arguments and the word -> the lines kubectl reads.
#include <boost/test/unit_test.hpp>

#include "plugin/completion.h"

using namespace lm;

namespace {
CompletionSources Fake() {
  CompletionSources s;
  s.deployments = [] { return std::vector<std::string>{"phi-3-mini", "qwen"}; };
  s.nodes = [] { return std::vector<std::string>{"gpu-a100-0", "gpu-h100-0", "cpu-0"}; };
  return s;
}
using Lines = std::vector<std::string>;
}  // namespace

BOOST_AUTO_TEST_SUITE(completion)

BOOST_AUTO_TEST_CASE(table) {
  struct Case { Lines args; std::string word; Lines want; };
  const Case cases[] = {
      {{}, "de", {"deploy\tDeploy a model onto the GPU nodes that can hold it", "delete\tRemove a model deployment and the node labels it added", ":4"}},
      {{"deploy"}, "phi-3-m", {"phi-3-mini-4k\tmicrosoft/Phi-3-mini-4k-instruct", "phi-3-mini-128k\tmicrosoft/Phi-3-mini-128k-instruct", "phi-3-medium-4k\tmicrosoft/Phi-3-medium-4k-instruct", "phi-3-medium-128k\tmicrosoft/Phi-3-medium-128k-instruct", ":4"}},
      {{"deploy", "phi-3-mini", "--node"}, "gpu-", {"gpu-a100-0", "gpu-h100-0", ":4"}},
      {{"--context", "kind", "status"}, "", {"phi-3-mini", "qwen", ":4"}},
      {{"chat"}, "q", {"qwen", ":4"}},
      {{"chat", "qwen"}, "", {":4"}},
      {{"nodes", "-o"}, "", {"json", "yaml", "wide", ":4"}},
      {{"deploy", "x"}, "--dr", {"--dry-run", ":4"}},
      {{"logs"}, "--f", {"--follow", ":4"}},
      {{"deploy", "x", "--expose"}, "N", {"NodePort", ":4"}},
      {{"completion"}, "", {"bash", "zsh", ":4"}},
  };
  for (const auto& c : cases) {
    Lines got = Complete(c.args, c.word, Fake());
    BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), c.want.begin(), c.want.end());
  }
}

BOOST_AUTO_TEST_CASE(scripts) {
  BOOST_CHECK(CompletionScript("bash").find("complete -F _kubectl_lm kubectl-lm") != std::string::npos);
  BOOST_CHECK(CompletionScript("zsh").find("compdef _kubectl_lm kubectl-lm") != std::string::npos);
  BOOST_CHECK(CompletionScript("fish").empty());
}

BOOST_AUTO_TEST_SUITE_END()
