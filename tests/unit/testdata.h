// Where the tests' captured data and helper programs are: where CMake built
// them, unless the environment says otherwise (the release workflow runs
// cross-built unit tests on macOS and Windows runners, from another folder).
#pragma once

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

inline std::string FromEnvOr(const char* name, const char* built_in) {
  const char* v = std::getenv(name);
  return v && *v ? v : built_in;
}
inline std::string TestdataDir() { return FromEnvOr("KUBECTL_LM_TESTDATA", TESTDATA_DIR); }
inline std::string TestExecPlugin() { return FromEnvOr("KUBECTL_LM_TEST_EXEC_PLUGIN", TEST_EXEC_PLUGIN); }

// A file under the test data, whole and byte for byte ("protobuf/nodes.pb");
// a missing one fails the test that reads it.
inline std::string TestdataFile(const std::string& path) {
  std::ifstream in(TestdataDir() + "/" + path, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data: " + path);
  return {std::istreambuf_iterator<char>(in), {}};
}
