// Null-safe reads of fields of API objects held as Boost.JSON: each returns
// nullptr, "" or 0 when a field is absent or of another type, so that code
// reading optional parts of an object says what it wants in one line.
#pragma once

#include <string>

#include <boost/json/object.hpp>

namespace kube {

inline const boost::json::object* ObjField(const boost::json::object* o, const char* key) {
  if (!o) return nullptr;
  auto* v = o->if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

inline const boost::json::array* ArrField(const boost::json::object* o, const char* key) {
  if (!o) return nullptr;
  auto* v = o->if_contains(key);
  return v && v->is_array() ? &v->as_array() : nullptr;
}

inline std::string StrField(const boost::json::object* o, const char* key) {
  if (!o) return "";
  auto* v = o->if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

inline long long IntField(const boost::json::object* o, const char* key) {
  if (!o) return 0;
  auto* v = o->if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

// metadata.labels[key] of an object, or "".
inline std::string LabelOf(const boost::json::object& o, const char* key) {
  return StrField(ObjField(ObjField(&o, "metadata"), "labels"), key);
}

}  // namespace kube
