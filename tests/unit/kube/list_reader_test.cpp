// Reading a List page as it arrives (kube/list_reader.h): items with only
// the masked fields, whatever the chunking, and the list's own metadata.
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include "kube/list_reader.h"

namespace json = boost::json;
using kube::FieldMask;
using kube::ListReader;

namespace {

const char kPage[] =
    R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"4711","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":3},)"
    R"("items":[{"metadata":{"name":"a","namespace":"ml","uid":"u1","labels":{"app":"x"},"managedFields":[{"manager":"kubectl"}]},)"
    R"("spec":{"nodeName":"gpu-0","containers":[{"name":"c","image":"i","resources":{"limits":{"nvidia.com/gpu":"2"}},"env":[{"name":"E","value":"\u00e9\"q"}]}],)"
    R"("initContainers":[{"name":"i","resources":{"requests":{"cpu":"1"}}}],"overhead":{"nvidia.com/gpu":"1"}},)"
    R"("status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"startTime":"2026-11-28T00:00:00Z"}},)"
    R"("not an object",{"metadata":{"name":"b"},"spec":{"nodeName":"gpu-1","priority":-7,"enableServiceLinks":true,"x":null,"y":1.5}}]})";

const FieldMask kMask = FieldMask::Of({"metadata.name", "metadata.labels", "spec.nodeName", "spec.containers.resources",
                                       "spec.initContainers.resources", "spec.overhead", "status.phase"});

// Reads kPage in chunks of `size` bytes.
std::vector<json::object> ReadIn(size_t size, const FieldMask* mask, std::string* cont = nullptr, std::string* rv = nullptr) {
  std::vector<json::object> items;
  ListReader r(mask, [&](json::object& o) {
    items.push_back(o);
    return kube::Status::Ok();
  });
  const std::string page = kPage;
  for (size_t i = 0; i < page.size(); i += size) BOOST_REQUIRE(r.Feed(std::string_view(page).substr(i, size)).ok());
  BOOST_REQUIRE(r.Finish().ok());
  if (cont) *cont = r.continue_token();
  if (rv) *rv = r.resource_version();
  return items;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(list_reader)

BOOST_AUTO_TEST_CASE(items_keep_only_the_masked_fields_in_any_chunking) {
  const json::object want = json::parse(
      R"({"metadata":{"name":"a","labels":{"app":"x"}},"spec":{"nodeName":"gpu-0","containers":[{"resources":{"limits":{"nvidia.com/gpu":"2"}}}],)"
      R"("initContainers":[{"resources":{"requests":{"cpu":"1"}}}],"overhead":{"nvidia.com/gpu":"1"}},"status":{"phase":"Running"}})").as_object();
  for (size_t size : {1, 2, 3, 7, 64, 100000}) {
    BOOST_TEST_CONTEXT("chunks of " << size) {
      std::string cont, rv;
      auto items = ReadIn(size, &kMask, &cont, &rv);
      BOOST_REQUIRE_EQUAL(items.size(), 2u);  // the string item is not an object
      BOOST_CHECK_EQUAL(json::serialize(items[0]), json::serialize(want));
      BOOST_CHECK_EQUAL(json::serialize(items[1]), R"({"metadata":{"name":"b"},"spec":{"nodeName":"gpu-1"}})");
      BOOST_CHECK_EQUAL(cont, "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ");
      BOOST_CHECK_EQUAL(rv, "4711");
    }
  }
}

BOOST_AUTO_TEST_CASE(without_a_mask_items_are_whole_as_the_dom_parser_reads_them) {
  for (size_t size : {1, 5, 100000}) {
    auto items = ReadIn(size, nullptr);
    BOOST_REQUIRE_EQUAL(items.size(), 2u);
    const json::value doc = json::parse(kPage);
    const json::array& all = doc.at("items").as_array();
    BOOST_CHECK_EQUAL(json::serialize(items[0]), json::serialize(all[0]));
    BOOST_CHECK_EQUAL(json::serialize(items[1]), json::serialize(all[2]));
    BOOST_CHECK_EQUAL(items[0].at("spec").at("containers").at(0).at("env").at(0).at("value").as_string(), "\xc3\xa9\"q");
  }
}

BOOST_AUTO_TEST_CASE(an_error_from_the_caller_stops_the_reading) {
  int seen = 0;
  ListReader r(&kMask, [&](json::object&) {
    ++seen;
    return kube::Status(kube::Kind::kInternal, "enough");
  });
  kube::Status s = r.Feed(kPage);
  BOOST_CHECK_EQUAL(s.message(), "enough");
  BOOST_CHECK_EQUAL(seen, 1);
}

BOOST_AUTO_TEST_CASE(what_is_not_a_list_document_is_an_error) {
  for (const char* body : {"[1,2]", "{\"items\":[{\"a\":1}", "not json", "", "{\"items\":[{\"a\":tru}]}"}) {
    BOOST_TEST_CONTEXT(body) {
      ListReader r(nullptr, [](json::object&) { return kube::Status::Ok(); });
      kube::Status s = r.Feed(body);
      if (s.ok()) s = r.Finish();
      BOOST_CHECK(!s.ok());
    }
  }
}

// Bytes that are not UTF-8 only matter where they are kept: the parser does
// not check the rest (the API server never sends them; a hostile one may).
BOOST_AUTO_TEST_CASE(text_that_is_not_utf8_is_refused_only_where_kept) {
  auto read = [](const std::string& page) {
    ListReader r(&kMask, [](json::object&) { return kube::Status::Ok(); });
    kube::Status s = r.Feed(page);
    return s.ok() ? r.Finish() : s;
  };
  BOOST_CHECK(read("{\"items\":[{\"metadata\":{\"name\":\"a\",\"annotations\":{\"x\":\"\xff\xfe\"}}}]}").ok());
  BOOST_CHECK_EQUAL(read("{\"items\":[{\"metadata\":{\"name\":\"a\xff\"}}]}").message(),
                    "the server sent text that is not UTF-8");
  BOOST_CHECK_EQUAL(read("{\"items\":[{\"metadata\":{\"labels\":{\"k\xc3\":\"v\"}}}]}").message(),
                    "the server sent text that is not UTF-8");
}

BOOST_AUTO_TEST_CASE(masks_from_dotted_paths) {
  FieldMask m = FieldMask::Of({"a.b", "a.c.d", "e"});
  BOOST_CHECK(!m.all);
  BOOST_CHECK(m.fields.at("e").all);
  BOOST_CHECK(!m.fields.at("a").all);
  BOOST_CHECK(m.fields.at("a").fields.at("b").all);
  BOOST_CHECK(m.fields.at("a").fields.at("c").fields.at("d").all);
}

BOOST_AUTO_TEST_SUITE_END()
