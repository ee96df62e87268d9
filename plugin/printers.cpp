#include "plugin/printers.h"

#include "plugin/flags.h"

#include <algorithm>

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

namespace lm {
namespace json = boost::json;
namespace {

void Pretty(std::string& out, const json::value& v, int indent) {
  std::string pad(indent, ' ');
  if (const auto* o = v.if_object()) {
    if (o->empty()) { out += "{}"; return; }
    out += "{\n";
    size_t n = 0;
    for (const auto& [k, child] : *o) {
      out += pad + "    " + json::serialize(json::string(k)) + ": ";
      Pretty(out, child, indent + 4);
      out += ++n < o->size() ? ",\n" : "\n";
    }
    out += pad + "}";
  } else if (const auto* a = v.if_array()) {
    if (a->empty()) { out += "[]"; return; }
    out += "[\n";
    for (size_t i = 0; i < a->size(); ++i) {
      out += pad + "    ";
      Pretty(out, (*a)[i], indent + 4);
      out += i + 1 < a->size() ? ",\n" : "\n";
    }
    out += pad + "]";
  } else {
    out += json::serialize(v);
  }
}

void Emit(YAML::Emitter& e, const json::value& v) {
  switch (v.kind()) {
    case json::kind::object:
      e << YAML::BeginMap;
      for (const auto& [k, child] : v.as_object()) {
        e << YAML::Key << std::string(k) << YAML::Value;
        Emit(e, child);
      }
      e << YAML::EndMap;
      break;
    case json::kind::array:
      e << YAML::BeginSeq;
      for (const auto& child : v.as_array()) Emit(e, child);
      e << YAML::EndSeq;
      break;
    case json::kind::string: {
      std::string s(v.as_string());
      // Quote strings a YAML reader would take for another type ("true", "8", "").
      bool needs_quotes = s.empty() || s == "true" || s == "false" || s == "null" || s == "~" ||
                          s.find_first_not_of("0123456789.+-eE") == std::string::npos;
      // Escape what a YAML reader would take for a line break or drop: a
      // carriage return, U+2028/U+2029, any control or non-ASCII byte.
      bool needs_escapes = std::any_of(s.begin(), s.end(), [](char ch) {
        unsigned char c = static_cast<unsigned char>(ch);
        return c < 0x20 || c >= 0x7f;
      });
      if (needs_quotes || needs_escapes) e << YAML::DoubleQuoted;
      if (needs_escapes) e << YAML::EscapeNonAscii;
      e << s;
      break;
    }
    case json::kind::bool_: e << v.as_bool(); break;
    case json::kind::null: e << YAML::Null; break;
    default: e << json::serialize(v); break;
  }
}

}  // namespace

kube::Status CheckOutputFormat(const std::string& format, const std::vector<std::string>& allowed) {
  std::string error = format.empty() ? "" : CheckOutput(format, allowed);
  if (error.empty()) return kube::Status::Ok();
  return kube::Status(kube::Kind::kInvalidArgument, error);
}

std::string ToPrettyJson(const json::value& v) {
  std::string s;
  Pretty(s, v, 0);
  return s + "\n";
}

JsonListWriter::JsonListWriter(std::ostream& out, const std::string& api_version, const std::string& kind)
    : out_(out) {
  out_ << "{\n    \"apiVersion\": " << json::serialize(json::string(api_version)) << ",\n    \"kind\": "
       << json::serialize(json::string(kind)) << ",\n    \"items\": ";
}

void JsonListWriter::Add(const json::value& item) {
  std::string s = any_ ? ",\n        " : "[\n        ";
  Pretty(s, item, 8);
  out_ << s;
  any_ = true;
}

void JsonListWriter::Finish() { out_ << (any_ ? "\n    ]" : "[]") << "\n}\n"; }

std::string ToYaml(const json::value& v) {
  YAML::Emitter e;
  Emit(e, v);
  return std::string(e.c_str()) + "\n";
}

void PrintDocument(std::ostream& out, const json::value& doc, const std::string& format) {
  out << (format == "yaml" ? ToYaml(doc) : ToPrettyJson(doc));
}

namespace {

// A Secret's values replaced by "<masked>": kubectl-lm's output never holds
// a secret, -o and --dry-run=client included. (kubectl get -o yaml would
// print them; but the token deploy stores came from the user's
// environment, and printing it would put it in terminals, CI logs and
// GitOps repositories. For GitOps, --hf-token-secret names a Secret the
// user manages.)
json::value Masked(const json::value& object) {
  const json::object* o = object.if_object();
  const json::value* kind = o ? o->if_contains("kind") : nullptr;
  if (!kind || !kind->is_string() || kind->as_string() != "Secret") return object;
  json::object copy = *o;
  for (const char* field : {"data", "stringData"}) {
    if (auto* values = copy.if_contains(field); values && values->is_object()) {
      for (auto& [k, v] : values->as_object()) v = "<masked>";
    }
  }
  return copy;
}

}  // namespace

void PrintObjects(std::ostream& out, const std::vector<json::value>& given, const std::string& format) {
  std::vector<json::value> objects;
  for (const auto& o : given) objects.push_back(Masked(o));
  if (format == "json") {
    json::array items(objects.begin(), objects.end());
    out << ToPrettyJson(json::object{{"apiVersion", "v1"}, {"kind", "List"}, {"items", std::move(items)}});
    return;
  }
  for (size_t i = 0; i < objects.size(); ++i) {
    if (i > 0) out << "---\n";
    out << ToYaml(objects[i]);
  }
}

void PrintTable(std::ostream& out, const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(headers.size());
  for (size_t c = 0; c < headers.size(); ++c) width[c] = headers[c].size();
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t c = 0; c < cells.size(); ++c) {
      s += cells[c];
      if (c + 1 < cells.size()) s += std::string(width[c] - cells[c].size() + 3, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << "\n";
  };
  line(headers);
  for (const auto& r : rows) line(r);
}

}  // namespace lm
