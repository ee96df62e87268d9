#define BOOST_TEST_MODULE kubectl_lm_unit
#include <boost/test/unit_test.hpp>
