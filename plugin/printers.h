// Printers: pure functions from documents or rows to text. Tables, JSON and
// YAML come from the same data.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "kube/status.h"

namespace lm {

// OK for "" and the allowed formats; else kubectl's error wording.
kube::Status CheckOutputFormat(const std::string& format, const std::vector<std::string>& allowed);

// JSON indented like kubectl's -o json (4 spaces), or YAML for "yaml".
void PrintDocument(std::ostream& out, const boost::json::value& doc, const std::string& format);
std::string ToPrettyJson(const boost::json::value& v);
std::string ToYaml(const boost::json::value& v);

// {"apiVersion": ..., "kind": ..., "items": [...]} byte for byte as
// PrintDocument's JSON prints it, written one item at a time: only the
// item being written is ever built.
class JsonListWriter {
 public:
  JsonListWriter(std::ostream& out, const std::string& api_version, const std::string& kind);
  void Add(const boost::json::value& item);
  void Finish();  // closes the document

 private:
  std::ostream& out_;
  bool any_ = false;
};

// Several objects as kubectl prints them: YAML documents separated by
// "---", or one JSON List. A Secret's data and stringData values are
// printed as "<masked>".
void PrintObjects(std::ostream& out, const std::vector<boost::json::value>& objects, const std::string& format);

// A kubectl-style table: upper-case headers, columns padded to the widest
// cell plus three spaces, no trailing spaces.
void PrintTable(std::ostream& out, const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows);

}  // namespace lm
