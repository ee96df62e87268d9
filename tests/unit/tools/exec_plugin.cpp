// A client-go exec credential plugin for the unit tests: the portable twin
// of tests/testdata/exec-plugin (which the e2e tests' kubeconfigs name, and
// which needs bash), so that exec_credential_test runs on Windows too. It
// checks what kubectl-lm hands it and prints an ExecCredential.
//   EXPECT_INFO        if set, KUBERNETES_EXEC_INFO must equal it exactly (else exit 3)
//   PLUGIN_TOKEN       the token to return (or PLUGIN_TOKEN_FILE: read from it)
//   PLUGIN_CERT_FILE / PLUGIN_KEY_FILE   return a client certificate instead
//   PLUGIN_EXPIRY      expirationTimestamp to return
//   PLUGIN_COUNT_FILE  a line is appended to it on every run
//   PLUGIN_HANG        sleep this many seconds first (a plugin that never ends)
//   PLUGIN_FLOOD       write to stdout without end (a plugin that never stops talking)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string JsonEscape(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();  // as $(...) in the shell twin
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

int main() {
  if (!Env("PLUGIN_COUNT_FILE").empty()) std::ofstream(Env("PLUGIN_COUNT_FILE"), std::ios::app) << "run\n";
  if (!Env("PLUGIN_HANG").empty()) std::this_thread::sleep_for(std::chrono::seconds(std::atoi(Env("PLUGIN_HANG").c_str())));
  if (!Env("PLUGIN_FLOOD").empty()) {
    while (std::fwrite("y\n", 1, 2, stdout) == 2) {
    }
    return 1;
  }
  std::string info = Env("KUBERNETES_EXEC_INFO");
  if (info.empty()) {
    std::cerr << "exec-plugin: KUBERNETES_EXEC_INFO is not set\n";
    return 1;
  }
  if (!Env("EXPECT_INFO").empty() && info != Env("EXPECT_INFO")) {
    std::cerr << "exec-plugin: KUBERNETES_EXEC_INFO was " << info << ", expected " << Env("EXPECT_INFO") << "\n";
    return 3;
  }
  const std::string key = "\"apiVersion\":\"";
  size_t at = info.find(key);
  std::string api = at == std::string::npos ? "" : info.substr(at + key.size(), info.find('"', at + key.size()) - at - key.size());
  std::string status;
  if (!Env("PLUGIN_CERT_FILE").empty()) {
    status = "\"clientCertificateData\":\"" + JsonEscape(ReadFile(Env("PLUGIN_CERT_FILE"))) + "\",\"clientKeyData\":\"" +
             JsonEscape(ReadFile(Env("PLUGIN_KEY_FILE"))) + "\"";
  } else {
    std::string token = Env("PLUGIN_TOKEN_FILE").empty() ? Env("PLUGIN_TOKEN") : JsonEscape(ReadFile(Env("PLUGIN_TOKEN_FILE")));
    status = "\"token\":\"" + token + "\"";
  }
  if (!Env("PLUGIN_EXPIRY").empty()) status += ",\"expirationTimestamp\":\"" + Env("PLUGIN_EXPIRY") + "\"";
  std::cout << "{\"apiVersion\":\"" << api << "\",\"kind\":\"ExecCredential\",\"status\":{" << status << "}}\n";
  return 0;
}
