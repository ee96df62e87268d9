// Cases from k8s.io/apimachinery pkg/api/resource/quantity_test.go
// (TestQuantityParse, the invalid list, TestQuantityCmp), so that our
// parser agrees with the API server's on every quantity it accepts.
#include <boost/test/unit_test.hpp>

#include "kube/quantity.h"

using kube::Quantity;

namespace {

// apimachinery's decQuantity(i, exponent): i * 10^exponent, in nano-units.
__int128 Dec(long long i, int exponent) {
  __int128 v = i;
  int e = exponent + 9;
  for (; e > 0; --e) v *= 10;
  for (; e < 0; ++e) v /= 10;
  return v;
}

__int128 Nanos(const char* s) {
  auto q = Quantity::Parse(s);
  BOOST_REQUIRE_MESSAGE(q.ok(), s << ": " << q.status().message());
  return q->nanos();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(quantity)

BOOST_AUTO_TEST_CASE(parses_apimachinery_table) {
  struct Case { const char* in; __int128 want; };
  const __int128 max_allowed = Dec(9223372036854775807LL, 0);
  const Case cases[] = {
      {"0", 0}, {"0n", 0}, {"0u", 0}, {"0m", 0}, {"0Ki", 0}, {"0k", 0}, {"0Mi", 0}, {"0M", 0},
      {"0Gi", 0}, {"0G", 0}, {"0Ti", 0}, {"0T", 0},
      {"1", Dec(1, 0)},
      {"1Ki", Dec(1024, 0)}, {"8Ki", Dec(8 * 1024, 0)}, {"7Mi", Dec(7LL << 20, 0)},
      {"6Gi", Dec(6LL << 30, 0)}, {"5Ti", Dec(5LL << 40, 0)}, {"4Pi", Dec(4LL << 50, 0)},
      {"3Ei", Dec(3LL << 60, 0)}, {"10Ti", Dec(10LL << 40, 0)}, {"100Ti", Dec(100LL << 40, 0)},
      {"5n", Dec(5, -9)}, {"4u", Dec(4, -6)}, {"3m", Dec(3, -3)}, {"9", Dec(9, 0)}, {"8k", Dec(8, 3)},
      {"50k", Dec(5, 4)}, {"7M", Dec(7, 6)}, {"6G", Dec(6, 9)}, {"5T", Dec(5, 12)}, {"40T", Dec(4, 13)},
      {"300T", Dec(3, 14)}, {"2P", Dec(2, 15)}, {"1E", Dec(1, 18)},
      {"1E-3", Dec(1, -3)}, {"1e3", Dec(1, 3)}, {"1E6", Dec(1, 6)}, {"1e9", Dec(1, 9)},
      {"1E12", Dec(1, 12)}, {"1e15", Dec(1, 15)}, {"1E18", Dec(1, 18)},
      {"1e14", Dec(1, 14)}, {"1e13", Dec(1, 13)}, {"100.035k", Dec(100035, 0)},
      {"0.001", Dec(1, -3)}, {"0.0005k", Dec(5, -1)}, {"0.005", Dec(5, -3)}, {"0.05", Dec(5, -2)},
      {"0.5", Dec(5, -1)}, {"0.00050k", Dec(5, -1)}, {"0.00500", Dec(5, -3)}, {"0.05000", Dec(5, -2)},
      {"0.50000", Dec(5, -1)}, {"0.5e0", Dec(5, -1)}, {"0.5e-1", Dec(5, -2)}, {"0.5e-2", Dec(5, -3)},
      {"10.035M", Dec(10035, 3)},
      {"1.2e3", Dec(12, 2)}, {"1.3E+6", Dec(13, 5)}, {"1.40e9", Dec(14, 8)}, {"1.53E12", Dec(153, 10)},
      {"1.6e15", Dec(16, 14)}, {"1.7E18", Dec(17, 17)},
      {"9.01", Dec(901, -2)}, {"8.1k", Dec(81, 2)}, {"7.123456M", Dec(7123456, 0)},
      {"6.987654321G", Dec(6987654321LL, 0)}, {"5.444T", Dec(5444, 9)}, {"40.1T", Dec(401, 11)},
      {"300.2T", Dec(3002, 11)}, {"2.5P", Dec(25, 14)}, {"1.01E", Dec(101, 16)},
      // Things that saturate or round.
      {"3.001n", Dec(4, -9)}, {"1.1E-9", Dec(2, -9)}, {"0.0000000001", Dec(1, -9)},
      {"0.0000000005", Dec(1, -9)}, {"0.00000000050", Dec(1, -9)}, {"0.5e-9", Dec(1, -9)},
      {"0.9n", Dec(1, -9)}, {"0.00000012345", Dec(124, -9)}, {"0.00000012354", Dec(124, -9)},
      {"9Ei", max_allowed}, {"9223372036854775807Ki", max_allowed}, {"12E", Dec(12, 18)},
      // Fractional binary.
      {"100.035Ki", Dec(10243584, -2)}, {"0.5Mi", Dec(512 * 1024, 0)}, {"0.05Gi", Dec(536870912, -1)},
      {"0.025Ti", Dec(274877906944LL, -1)},
      // "Things written by trolls".
      {"0.000000000001Ki", Dec(2, -9)}, {".001", Dec(1, -3)}, {".0001k", Dec(100, -3)},
      {"1.", Dec(1, 0)}, {"1.G", Dec(1, 9)},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.in) {
      BOOST_CHECK(Nanos(c.in) == c.want);
      // apimachinery runs the same table negated and with an explicit '+'.
      BOOST_CHECK(Nanos(("-" + std::string(c.in)).c_str()) == -c.want);
      BOOST_CHECK(Nanos(("+" + std::string(c.in)).c_str()) == c.want);
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_apimachinery_invalid_list) {
  for (const char* in : {"", "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 "}) {
    BOOST_TEST_CONTEXT(in) { BOOST_CHECK(!Quantity::Parse(in).ok()); }
  }
}

BOOST_AUTO_TEST_CASE(compares_like_cmp) {
  auto cmp = [](const char* a, const char* b) { return Quantity::Parse(a)->Compare(*Quantity::Parse(b)); };
  BOOST_CHECK_EQUAL(cmp("0", "0"), 0);
  BOOST_CHECK_EQUAL(cmp("100m", "50m"), 1);
  BOOST_CHECK_EQUAL(cmp("50m", "100m"), -1);
  BOOST_CHECK_EQUAL(cmp("10000T", "100Gi"), 1);
  BOOST_CHECK_EQUAL(cmp("1Gi", "1024Mi"), 0);
  BOOST_CHECK_EQUAL(cmp("1G", "1000M"), 0);
  BOOST_CHECK_EQUAL(cmp("80Gi", "81920Mi"), 0);
}

BOOST_AUTO_TEST_CASE(value_rounds_up_like_value_and_milli_value) {
  BOOST_CHECK_EQUAL(Quantity::Parse("9.01")->Value(), 10);
  BOOST_CHECK_EQUAL(Quantity::Parse("-9.01")->Value(), -10);
  BOOST_CHECK_EQUAL(Quantity::Parse("8")->Value(), 8);
  BOOST_CHECK_EQUAL(Quantity::Parse("1.5")->MilliValue(), 1500);
  BOOST_CHECK_EQUAL(Quantity::Parse("1u")->MilliValue(), 1);
  BOOST_CHECK_EQUAL(Quantity::Parse("80Gi")->Value(), 80LL << 30);
  BOOST_CHECK_EQUAL(Quantity::Parse("9Ei")->Value(), 9223372036854775807LL);
}

BOOST_AUTO_TEST_CASE(refuses_values_beyond_range_rather_than_overflowing) {
  BOOST_CHECK(!Quantity::Parse("1e40").ok());
}

BOOST_AUTO_TEST_SUITE_END()
