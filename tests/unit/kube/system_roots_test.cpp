// Where the system's CA roots are looked for, as Go's crypto/x509 looks.
#include <boost/test/unit_test.hpp>

#include "kube/system_roots.h"

using namespace kube;

BOOST_AUTO_TEST_SUITE(system_roots)

BOOST_AUTO_TEST_CASE(ssl_cert_file_and_dir_replace_the_distributions_places) {
  auto files = RootBundleFiles("");
  BOOST_REQUIRE_EQUAL(files.size(), 6u);
  BOOST_CHECK_EQUAL(files.front(), "/etc/ssl/certs/ca-certificates.crt");  // Debian first
  BOOST_CHECK_EQUAL(files.back(), "/etc/ssl/cert.pem");                     // Alpine last
  BOOST_CHECK(RootBundleFiles("/my/roots.pem") == std::vector<std::string>{"/my/roots.pem"});
  BOOST_CHECK(RootDirectories("") == (std::vector<std::string>{"/etc/ssl/certs", "/etc/pki/tls/certs"}));
  BOOST_CHECK(RootDirectories("/a::/b") == (std::vector<std::string>{"/a", "/b"}));
}

BOOST_AUTO_TEST_CASE(nothing_found_is_zero_places) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  BOOST_CHECK_EQUAL(LoadSystemRoots(ctx, "/nonexistent/roots.pem", "/nonexistent/dir"), 0);
  SSL_CTX_free(ctx);
}

BOOST_AUTO_TEST_SUITE_END()
