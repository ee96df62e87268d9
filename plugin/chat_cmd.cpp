// kubectl lm chat NAME [PROMPT]: an OpenAI chat completion through the API
// server (its service proxy, or a port-forward when the endpoint requires a
// key: plugin/endpoint.h), streamed as the server streams it. With no PROMPT
// it reads one line at a time when stdin is a terminal (a conversation),
// else all of stdin as one prompt.
#include <iterator>

#include <boost/json.hpp>

#include <algorithm>
#include <boost/algorithm/string/join.hpp>
#include "kube/printable.h"
#include "plugin/deployment_status.h"
#include "plugin/app.h"
#include "plugin/sse.h"
#include "plugin/commands.h"
#include "plugin/ownership.h"
#include "kube/json_fields.h"
#include "kube/api_error.h"
#include "plugin/endpoint.h"

namespace lm {
namespace json = boost::json;
using kube::Kind;
using kube::Status;

namespace {

struct ChatTarget {
  ServerRoute route;
  std::string model;
};

// The server's answer to a chat request, or why there is none. Through the
// service proxy a refusal may be the API server's own (no endpoints, a dial
// that failed), worded as API errors are; through a port-forward it is the
// model server's.
kube::Result<kube::HttpResponse> Answered(kube::Result<kube::HttpResponse> r, const ServerRoute& route,
                                          const std::string& path) {
  if (!r.ok() || (r->status >= 200 && r->status < 300)) return r;
  if (route.pod.empty()) return kube::DecodeApiError(r->status, r->body, "POST " + path);
  std::string first = r->body.substr(0, r->body.find('\n'));
  if (first.size() > 200) first = first.substr(0, 200) + "...";
  return Status(Kind::kServer, "the model server in pod " + route.pod + " answered HTTP " + std::to_string(r->status) +
                                   (first.empty() ? "" : ": " + kube::Printable(first)) +
                                   (r->status == 401 ? " (it holds another key than the Secret now does: it reads the "
                                                       "Secret when it starts)"
                                                     : ""));
}

Status Ask(App& app, kube::Client& client, const ChatTarget& t, json::array& messages, bool stream, int max_tokens) {
  json::object body{{"model", t.model}, {"messages", messages}, {"stream", stream}};
  if (max_tokens > 0) body["max_tokens"] = max_tokens;
  const std::string path = "/v1/chat/completions";
  std::string reply;
  if (stream) {
    SseReader reader(app.out);
    kube::ChunkSink sink = [&](std::string_view chunk) { return reader.Feed(chunk); };
    auto r = Answered(AskServer(client, t.route, "POST", path, json::serialize(body), &sink), t.route, path);
    if (!r.ok()) return r.status();
    if (reader.too_long()) {
      return Status(Kind::kServer, "the model server sent an event line longer than " +
                                       std::to_string(kMaxSseLine >> 10) + " KiB; stopped reading");
    }
    reply = reader.reply();
  } else {
    auto r = Answered(AskServer(client, t.route, "POST", path, json::serialize(body)), t.route, path);
    if (!r.ok()) return r.status();
    boost::system::error_code ec;
    json::value v = json::parse(r->body, ec);
    const json::value* content = nullptr;
    if (!ec && v.is_object()) {
      if (auto* choices = v.as_object().if_contains("choices"); choices && choices->is_array() && !choices->as_array().empty()) {
        const json::object* first = choices->as_array()[0].if_object();
        if (auto* msg = first ? first->if_contains("message") : nullptr; msg && msg->is_object()) {
          content = msg->as_object().if_contains("content");
        }
      }
    }
    if (!content || !content->is_string()) return Status(Kind::kServer, "the model server's answer has no choices[0].message.content");
    reply = std::string(content->as_string());
    app.out << reply;
  }
  app.out << "\n";
  messages.push_back(json::object{{"role", "assistant"}, {"content", reply}});
  return Status::Ok();
}

}  // namespace

namespace {

struct ChatOptions {
  bool no_stream = false;
  std::string system;
  std::string model;  // one of the names the server serves (a LoRA adapter's)
  int max_tokens = 0;
};

// Far above any model's context; keeps the number an int.
constexpr long long kMaxTokens = 1 << 24;

kube::Status RunChat(App& app, ChatOptions& o, const std::vector<std::string>& positionals) {
  const std::string name = positionals[0];
  const std::string prompt = positionals.size() > 1 ? positionals[1] : "";
  const std::string& system = o.system;
  const bool stream = !o.no_stream;
  const int max_tokens = o.max_tokens;
  auto client = app.Connect();
  if (!client.ok()) return client.status();
  const std::string ns = (*client)->config().namespace_;
  ChatTarget t;
  auto dep = (*client)->Get("/apis/apps/v1/namespaces/" + ns + "/deployments/" + name);
  if (!dep.ok()) {
    if (dep.status().kind() == Kind::kNotFound) {
      return Status(Kind::kNotFound, "no model deployment \"" + name + "\" in namespace " + ns + " (kubectl lm status -A lists them all)");
    }
    return dep.status();
  }
  // The name the server serves the model under (deploy passes it as --served-model-name).
  if (dep->is_object() && own::BelongsTo(dep->as_object(), name)) t.model = kube::LabelOf(dep->as_object(), own::kModelKey);
  if (t.model.empty()) return Status(Kind::kInvalidArgument, "deployment " + name + " was not made by kubectl lm deploy");
  auto route = RouteTo(**client, ns, name, ApiKeyOf(dep->as_object()));
  if (!route.ok()) return route.status().WithContext("chat with " + name);
  t.route = std::move(*route);
  if (!o.model.empty()) {
    const std::vector<std::string> served = ServedModels(dep->as_object());
    if (std::find(served.begin(), served.end(), o.model) == served.end()) {
      return Status(Kind::kInvalidArgument, name + " does not serve \"" + kube::Printable(o.model) + "\": it serves " +
                                                boost::algorithm::join(served, ", "));
    }
    t.model = o.model;
  }

  json::array messages;
  if (!system.empty()) messages.push_back(json::object{{"role", "system"}, {"content", system}});
  auto ask = [&](const std::string& text) {
    messages.push_back(json::object{{"role", "user"}, {"content", text}});
    Status s = Ask(app, **client, t, messages, stream, max_tokens);
    if (s.ok()) return s;
    if (s.http_code() == 503) {
      return Status(Kind::kServer, name + " has no ready endpoint to answer (kubectl lm status " + name + " says why): " + s.message());
    }
    return s.WithContext("chat with " + name);
  };
  if (!prompt.empty()) return ask(prompt);
  if (!app.deps.stdin_is_terminal) {
    std::string all((std::istreambuf_iterator<char>(app.in)), std::istreambuf_iterator<char>());
    if (all.empty()) return Status(Kind::kInvalidArgument, "no prompt: give one as an argument or on standard input");
    return ask(all);
  }
  app.err << "Chatting with " << t.model << " (" << name << "). An empty line or Ctrl-D ends.\n";
  for (;;) {
    app.err << "> " << std::flush;
    std::string line;
    if (!std::getline(app.in, line) || line.empty()) return Status::Ok();
    Status s = ask(line);
    if (!s.ok()) return s;
  }
}

}  // namespace

Command ChatCommand() {
  return MakeCommand<ChatOptions>(
      {"chat", "NAME [PROMPT]", "Chat with a deployed model through the API server (a port-forward when it requires a key)"},
      {SwitchFlag<ChatOptions>({"no-stream", 0, "", "print the reply when it is complete"}, &ChatOptions::no_stream),
       TextFlag<ChatOptions>({"system", 0, "TEXT", "a system prompt"}, &ChatOptions::system),
       TextFlag<ChatOptions>({"model", 0, "NAME", "the model or LoRA adapter to ask (default: the model)"},
                             &ChatOptions::model),
       CountFlag<ChatOptions>({"max-tokens", 0, "N", "at most N tokens in each reply"}, &ChatOptions::max_tokens,
                              kMaxTokens)},
      {1, 2, "chat needs the NAME of a model deployment, as kubectl lm status lists them"}, RunChat);
}

}  // namespace lm
