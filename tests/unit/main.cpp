#define BOOST_TEST_MODULE kubectl_lm_unit
// Cross builds have Boost's headers only: the test runner is compiled in here.
#ifdef KUBECTL_LM_BOOST_TEST_INCLUDED
#include <boost/test/included/unit_test.hpp>
#else
#include <boost/test/unit_test.hpp>
#endif
