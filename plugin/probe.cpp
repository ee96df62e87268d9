#include "plugin/probe.h"

#include <boost/json.hpp>

#include "kube/printable.h"

namespace lm {
namespace json = boost::json;
namespace {

// The first line of an answer, printable and short.
std::string FirstLine(const std::string& body) {
  std::string first = body.substr(0, body.find('\n'));
  if (first.size() > 160) first = first.substr(0, 160) + "...";
  return kube::Printable(first);
}

// A Kubernetes Status: the API server's own answer (no endpoints, a dial
// that failed), not the model server's.
std::string ApiServerMessage(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return "";
  const json::object& o = v.as_object();
  const json::value* kind = o.if_contains("kind");
  const json::value* message = o.if_contains("message");
  if (!kind || !kind->is_string() || kind->as_string() != "Status" || !message || !message->is_string()) return "";
  return kube::Printable(std::string(message->as_string()));
}

bool HasChoices(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return false;
  const json::value* choices = v.as_object().if_contains("choices");
  return choices && choices->is_array() && !choices->as_array().empty();
}

}  // namespace

ProbeResult ProbeServer(kube::Client& client, const kube::Clock& clock, std::chrono::milliseconds bound,
                        const ServerRoute& route, const std::string& model) {
  const json::object body{{"model", model}, {"prompt", "Hi"}, {"max_tokens", 1}};
  const auto start = clock();
  auto r = AskServer(client, route, "POST", "/v1/completions", json::serialize(body));
  ProbeResult p;
  if (!r.ok()) {
    // The transport's timeout speaks of the API server, which did answer:
    // the model server behind it took the request and said nothing.
    p.reason = clock() - start >= bound ? "no answer within " + std::to_string(bound.count() / 1000.0).substr(0, 4) +
                                              " s (--request-timeout sets the bound)"
                                        : "no answer: " + r.status().message();
    return p;
  }
  if (r->status < 200 || r->status >= 300) {
    const std::string api = ApiServerMessage(r->body);
    p.reason = !api.empty() ? api
                            : "the server answered HTTP " + std::to_string(r->status) +
                                  (r->body.empty() ? "" : ": " + FirstLine(r->body));
    return p;
  }
  if (!HasChoices(r->body)) {
    p.reason = "the server answered HTTP " + std::to_string(r->status) + " without a completion: " + FirstLine(r->body);
    return p;
  }
  p.answered = true;
  p.milliseconds = std::chrono::duration_cast<std::chrono::milliseconds>(clock() - start).count();
  return p;
}

}  // namespace lm
