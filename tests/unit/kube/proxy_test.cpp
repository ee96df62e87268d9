// Which proxy a connection uses: Go's httpproxy rules (golang.org/x/net/http/httpproxy).
#include <boost/test/unit_test.hpp>

#include "kube/transport.h"

using kube::ProxyFor;

BOOST_AUTO_TEST_SUITE(proxy)

BOOST_AUTO_TEST_CASE(kubeconfig_proxy_url_is_used_as_given) {
  BOOST_CHECK_EQUAL(ProxyFor("127.0.0.1", "6443", "http://p:3128", "", ""), "http://p:3128");
}

BOOST_AUTO_TEST_CASE(environment_proxy_skips_loopback_and_no_proxy) {
  const std::string env = "http://proxy:3128";
  BOOST_CHECK_EQUAL(ProxyFor("api.example.com", "443", "", env, ""), env);
  BOOST_CHECK_EQUAL(ProxyFor("localhost", "443", "", env, ""), "");
  BOOST_CHECK_EQUAL(ProxyFor("127.0.0.1", "443", "", env, ""), "");
  BOOST_CHECK_EQUAL(ProxyFor("::1", "443", "", env, ""), "");
  BOOST_CHECK_EQUAL(ProxyFor("api.example.com", "443", "", env, "*"), "");
  BOOST_CHECK_EQUAL(ProxyFor("api.example.com", "443", "", env, "example.com"), "");
  BOOST_CHECK_EQUAL(ProxyFor("api.example.com", "443", "", env, ".example.com"), "");
  BOOST_CHECK_EQUAL(ProxyFor("example.com", "443", "", env, ".example.com"), "");
  BOOST_CHECK_EQUAL(ProxyFor("notexample.com", "443", "", env, "example.com"), env);
  BOOST_CHECK_EQUAL(ProxyFor("api.example.com", "443", "", env, "other.org, api.example.com:443"), "");
  BOOST_CHECK_EQUAL(ProxyFor("api.example.com", "6443", "", env, "api.example.com:443"), env);
  BOOST_CHECK_EQUAL(ProxyFor("api.example.com", "443", "", "", ""), "");
}

BOOST_AUTO_TEST_SUITE_END()
