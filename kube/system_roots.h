// The system's CA roots, found as Go's crypto/x509 finds them: used only
// when a kubeconfig gives no CA (a managed cluster behind a public
// certificate). A static binary cannot rely on OpenSSL's compiled-in
// directory (it names the build machine's prefix), so the places are
// listed here, per platform.
#pragma once

#include <string>
#include <vector>

#include <openssl/ssl.h>

namespace kube {

// Where the roots are (Linux and other Unix): SSL_CERT_FILE alone when set,
// else the distributions' bundle files (the first that reads is used), and
// SSL_CERT_DIR's directories (':'-separated) or the distributions' ones.
// crypto/x509 root_linux.go and root_unix.go (Go 1.26).
std::vector<std::string> RootBundleFiles(const std::string& ssl_cert_file);
std::vector<std::string> RootDirectories(const std::string& ssl_cert_dir);

// Loads the roots into `ctx`: on Windows the ROOT system store (or
// SSL_CERT_FILE when set), elsewhere the files and directories above.
// Returns how many places gave certificates; 0 means nothing was trusted.
int LoadSystemRoots(SSL_CTX* ctx, const std::string& ssl_cert_file, const std::string& ssl_cert_dir);

}  // namespace kube
