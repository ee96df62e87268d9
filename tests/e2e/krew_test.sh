#!/usr/bin/env bash
# Installing with krew, from the release archives scripts/release made in
# dist/: krew's own validator and installer for every platform's archive,
# and kubectl's completion of plugin arguments.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
DIST=$(cd "$(dirname "$0")/../.." && pwd)/dist
[ -f "$DIST/lm.yaml" ] || { echo "krew_test: run scripts/release first (dist/lm.yaml is missing)" >&2; exit 1; }

test_case "validate-krew-manifest accepts the manifest"
run validate-krew-manifest -manifest "$DIST/lm.yaml" -skip-install
expect_rc 0
short=$(sed -n 's/^  shortDescription: //p' "$DIST/lm.yaml")
[ "${#short}" -le 50 ] || fail "shortDescription is ${#short} characters, more than 50"
# The description and caveats are wrapped at 80 columns (krew-index's review rule).
awk '/^  (description|caveats):/ {text = 1; next} /^  [a-z]/ {text = 0} text && length > 80 { exit 1 }' \
  "$DIST/lm.yaml" || fail "a line of the description or caveats passes 80 columns"
grep -Eq '^    sha256: [0-9a-f]{64}$' "$DIST/lm.yaml" || fail "sha256 must be 64 lowercase hex digits"

test_case "kubectl krew install puts kubectl-lm on PATH, and it reaches the cluster"
export KREW_ROOT=$E2E_TMP/krew
run kubectl krew install --manifest="$DIST/lm.yaml" --archive="$DIST/kubectl-lm-linux-amd64.tar.gz"
expect_rc 0
[ -x "$KREW_ROOT/bin/kubectl-lm" ] || fail "krew did not link kubectl-lm"
# Only krew's copy on PATH: the build directory is left out.
krew_path="$KREW_ROOT/bin:$E2E_BIN:/usr/bin:/bin"
run env PATH="$krew_path" kubectl lm version
expect_rc 0
expect_out_contains "Client Version: v"
expect_out_contains "Server Version: v1.36.3"
[ -f "$KREW_ROOT/receipts/lm.yaml" ] || fail "krew wrote no receipt for lm"

test_case "the installed binary is static: it needs no shared library, not even the C library"
bin=$(readlink -f "$KREW_ROOT/bin/kubectl-lm")
run objdump -p "$bin"
expect_out_lacks "NEEDED"
expect_out_lacks "INTERP"

test_case "the manifest names five platforms, and krew installs the right archive for each"
for platform in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64; do
  os=${platform%/*} arch=${platform#*/}
  exe=kubectl-lm archive=$DIST/kubectl-lm-$os-$arch.tar.gz
  if [ "$os" = windows ]; then exe=kubectl-lm.exe archive=$DIST/kubectl-lm-$os-$arch.zip; fi
  root=$E2E_TMP/krew-$os-$arch
  run env KREW_ROOT="$root" KREW_OS="$os" KREW_ARCH="$arch" kubectl krew install \
    --manifest="$DIST/lm.yaml" --archive="$archive"
  expect_rc 0 "(krew install for $platform)"
  installed=$(find "$root/store/lm" -name "$exe" -type f | head -1)
  run file "$installed"
  case $platform in
    linux/amd64) expect_out_contains "x86-64" ;;
    linux/arm64) expect_out_contains "ARM aarch64" ;;
    darwin/amd64) expect_out_contains "Mach-O 64-bit x86_64" ;;
    darwin/arm64) expect_out_contains "Mach-O 64-bit arm64" ;;
    windows/amd64) expect_out_contains "PE32+ executable (console) x86-64" ;;
  esac
done
run tar -tzf "$DIST/kubectl-lm-linux-arm64.tar.gz"
expect_out_contains "LICENSE"

test_case "kubectl completes kubectl lm through kubectl_complete-lm"
ln -sf "$bin" "$KREW_ROOT/bin/kubectl_complete-lm"
run env PATH="$krew_path" kubectl __complete lm de
expect_out_contains "deploy"
expect_out_contains "delete"
run env PATH="$krew_path" kubectl __complete lm deploy qwen
expect_out_contains "qwen2.5-7b"
run env PATH="$krew_path" kubectl __complete lm nodes -o ""
expect_out_contains "wide"

finish
