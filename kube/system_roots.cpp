#include "kube/system_roots.h"

#include <filesystem>
#include <sstream>

#include <openssl/err.h>

#ifdef _WIN32
#include <windows.h>
#include <wincrypt.h>
#endif

namespace kube {

std::vector<std::string> RootBundleFiles(const std::string& ssl_cert_file) {
  if (!ssl_cert_file.empty()) return {ssl_cert_file};
#ifdef __APPLE__
  // The bundle macOS ships (Go asks the Security framework; this file is
  // what OpenSSL-based tools on macOS use).
  return {"/etc/ssl/cert.pem"};
#else
  return {
      "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Gentoo, Arch
      "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL 6
      "/etc/ssl/ca-bundle.pem",                             // openSUSE
      "/etc/pki/tls/cacert.pem",                            // OpenELEC
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // CentOS, RHEL 7+
      "/etc/ssl/cert.pem",                                  // Alpine
  };
#endif
}

std::vector<std::string> RootDirectories(const std::string& ssl_cert_dir) {
  if (ssl_cert_dir.empty()) {
#ifdef __APPLE__
    return {};
#else
    return {"/etc/ssl/certs", "/etc/pki/tls/certs"};  // SLES, Fedora and RHEL
#endif
  }
  std::vector<std::string> dirs;
  std::stringstream in(ssl_cert_dir);
  for (std::string d; std::getline(in, d, ':');) {
    if (!d.empty()) dirs.push_back(d);
  }
  return dirs;
}

#ifdef _WIN32
// Go on Windows verifies with the system (CertGetCertificateChain); we put
// the ROOT store's certificates into OpenSSL's store instead.
static int LoadWindowsRootStore(SSL_CTX* ctx) {
  HCERTSTORE store = CertOpenSystemStoreW(0, L"ROOT");
  if (!store) return 0;
  X509_STORE* x509_store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  for (PCCERT_CONTEXT c = nullptr; (c = CertEnumCertificatesInStore(store, c)) != nullptr;) {
    const unsigned char* der = c->pbCertEncoded;
    X509* x = d2i_X509(nullptr, &der, static_cast<long>(c->cbCertEncoded));
    if (!x) continue;
    if (X509_STORE_add_cert(x509_store, x) == 1) ++added;
    X509_free(x);
  }
  CertCloseStore(store, 0);
  return added > 0 ? 1 : 0;
}
#endif

int LoadSystemRoots(SSL_CTX* ctx, const std::string& ssl_cert_file, const std::string& ssl_cert_dir) {
#ifdef _WIN32
  if (ssl_cert_file.empty()) return LoadWindowsRootStore(ctx);
#endif
  int found = 0;
  for (const std::string& f : RootBundleFiles(ssl_cert_file)) {
    if (SSL_CTX_load_verify_locations(ctx, f.c_str(), nullptr) == 1) {
      ++found;
      break;  // the first bundle that reads, as Go
    }
  }
  ERR_clear_error();
  // Directories are looked up by subject hash when a certificate is needed
  // (c_rehash links, which every distribution that ships a directory has).
  for (const std::string& d : RootDirectories(ssl_cert_dir)) {
    std::error_code ec;
    if (std::filesystem::is_directory(d, ec) && SSL_CTX_load_verify_locations(ctx, nullptr, d.c_str()) == 1) ++found;
  }
  ERR_clear_error();
  return found;
}

}  // namespace kube
