#include <boost/test/unit_test.hpp>

#include "kube/base64.h"

BOOST_AUTO_TEST_SUITE(base64)

BOOST_AUTO_TEST_CASE(round_trips_rfc4648_vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    BOOST_CHECK_EQUAL(kube::Base64Encode(plain), encoded);
    BOOST_CHECK_EQUAL(kube::Base64Decode(encoded).value(), plain);
  }
}

BOOST_AUTO_TEST_CASE(skips_line_breaks_and_rejects_foreign_characters) {
  BOOST_CHECK_EQUAL(kube::Base64Decode("Zm9v\nYmFy\n").value(), "foobar");
  BOOST_CHECK(!kube::Base64Decode("Zm9v*").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
