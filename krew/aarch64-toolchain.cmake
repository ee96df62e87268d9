# Cross-compiling kubectl-lm for linux/arm64 with Debian's cross toolchain
# (g++-aarch64-linux-gnu) against arm64 libraries unpacked into a sysroot
# by scripts/release (KUBECTL_LM_SYSROOT).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH $ENV{KUBECTL_LM_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Debian puts arch-specific headers (openssl/opensslconf.h) under the
# multiarch directory, which the cross compiler does not search by itself.
set(CMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES $ENV{KUBECTL_LM_SYSROOT}/usr/include/aarch64-linux-gnu)
