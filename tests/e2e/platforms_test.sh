#!/usr/bin/env bash
# The release binaries scripts/release made in dist/, each where its users
# run it, against the real test control plane: the static Linux ones in a
# chroot that holds nothing but the binary, a kubeconfig and /etc/hosts (no
# C library, no CA bundle, no resolver configuration), the arm64 one under
# qemu-user, the Windows one under Wine. The macOS ones cannot run here:
# they are checked for what they link (the release workflow runs them on a
# macOS runner).
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
DIST=$(cd "$(dirname "$0")/../.." && pwd)/dist
[ -f "$DIST/lm.yaml" ] || { echo "platforms_test: run scripts/release first (dist/lm.yaml is missing)" >&2; exit 1; }
T=$E2E_TMP/platforms
mkdir -p "$T"

port=$(kubectl config view --minify --context admin -o jsonpath='{.clusters[0].cluster.server}' | sed 's/.*://')
# The admin's kubeconfig with its certificates inline, naming the server by
# a host name that only the chroot's /etc/hosts knows (the certificate
# covers "kubernetes").
kubectl config view --raw --flatten --minify --context admin |
  sed "s|server: https://127.0.0.1:$port|server: https://kubernetes:$port|" > "$T/kubeconfig"

# chroot_of ARCH: a root holding only kubectl-lm for linux/ARCH, the
# kubeconfig at /root/.kube/config and /etc/hosts.
chroot_of() {
  local root=$T/root-$1
  rm -rf "$root" && mkdir -p "$root/etc" "$root/root/.kube"
  tar -xzf "$DIST/kubectl-lm-linux-$1.tar.gz" -C "$root" kubectl-lm
  cp "$T/kubeconfig" "$root/root/.kube/config"
  printf '127.0.0.1 localhost kubernetes\n' > "$root/etc/hosts"
  echo "$root"
}
# in_chroot ROOT CMD...: as root, or as a user mapped to root in a new namespace.
in_chroot() {
  local root=$1
  shift
  local chroot unshare
  chroot=$(command -v chroot) unshare=$(command -v unshare)
  if [ "$(id -u)" -eq 0 ]; then run env -i HOME=/root "$chroot" "$root" "$@"
  else run env -i HOME=/root "$unshare" --map-root-user "$chroot" "$root" "$@"; fi
}

for arch in amd64 arm64; do
  test_case "linux/$arch is statically linked: no C library, no program interpreter"
  root=$(chroot_of "$arch")
  run file "$root/kubectl-lm"
  expect_out_contains "statically linked"
  run readelf -l "$root/kubectl-lm"
  expect_out_lacks "INTERP"
  size=$(stat -c %s "$root/kubectl-lm")
  [ "$size" -le $((12 * 1024 * 1024)) ] || fail "the stripped binary is $size bytes, more than 12 MiB"
  echo "  $(stat -c %s "$root/kubectl-lm") bytes, stripped"
done

test_case "linux/amd64 in a chroot with nothing else: version and nodes against the real cluster"
root=$(chroot_of amd64)
find "$root" -type f | sed "s|^$root||" | sort > "$T/files"
expect_eq "$(tr '\n' ' ' < "$T/files")" "/etc/hosts /kubectl-lm /root/.kube/config " "(the chroot's files)"
in_chroot "$root" /kubectl-lm version
expect_rc 0
expect_out_contains "Server Version: v1.36.3"
in_chroot "$root" /kubectl-lm nodes
expect_rc 0
expect_out_contains "gpu-h100-0"
expect_out_contains "NVIDIA-H100-80GB-HBM3"

test_case "with no CA in the kubeconfig, the distribution's bundle is trusted, wherever the distribution keeps it"
ca_b64=$(kubectl config view --raw --flatten --minify --context admin -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
sed '/certificate-authority-data:/d' "$T/kubeconfig" > "$root/root/.kube/config"
in_chroot "$root" /kubectl-lm version
expect_rc 1
expect_err_contains "failed to verify certificate"
for bundle in /etc/ssl/certs/ca-certificates.crt /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem /etc/ssl/cert.pem; do
  mkdir -p "$root$(dirname "$bundle")"
  base64 -d <<<"$ca_b64" > "$root$bundle"
  in_chroot "$root" /kubectl-lm version
  expect_rc 0 "(the CA in $bundle)"
  rm -rf "${root:?}/etc/ssl" "${root:?}/etc/pki"
done

test_case "linux/arm64 under qemu-user in the same kind of chroot"
root=$(chroot_of arm64)
cp "$(command -v qemu-aarch64-static)" "$root/qemu-aarch64-static"
in_chroot "$root" /qemu-aarch64-static /kubectl-lm version
expect_rc 0
expect_out_contains "Server Version: v1.36.3"
in_chroot "$root" /qemu-aarch64-static /kubectl-lm nodes
expect_rc 0
expect_out_contains "gpu-h100-0"


for arch in amd64 arm64; do
  test_case "darwin/$arch is a Mach-O executable that links only the macOS system library"
  mkdir -p "$T/darwin-$arch"
  tar -xzf "$DIST/kubectl-lm-darwin-$arch.tar.gz" -C "$T/darwin-$arch" kubectl-lm
  run file "$T/darwin-$arch/kubectl-lm"
  expect_out_contains "Mach-O 64-bit"
  expect_out_contains "$([ "$arch" = amd64 ] && echo x86_64 || echo arm64)"
  run llvm-objdump-14 --macho --dylibs-used "$T/darwin-$arch/kubectl-lm"
  expect_eq "$(tail -n +2 <<<"$OUT" | sed 's/^[[:space:]]*//; s/ (.*//')" "/usr/lib/libSystem.B.dylib" "(the dylibs it loads)"
  if [ "$arch" = arm64 ]; then
    # Apple silicon runs only signed code; the linker signs it ad hoc.
    llvm-objdump-14 --macho --private-headers "$T/darwin-$arch/kubectl-lm" | grep -q LC_CODE_SIGNATURE ||
      fail "darwin/arm64 has no code signature"
  fi
  size=$(stat -c %s "$T/darwin-$arch/kubectl-lm")
  [ "$size" -le $((12 * 1024 * 1024)) ] || fail "the stripped binary is $size bytes, more than 12 MiB"
  echo "  $size bytes, stripped"
done

test_case "windows/amd64 under Wine: KUBECONFIG as a ;-separated list of Windows paths; admin, viewer and exec users"
WINE=$(command -v wine64 || echo /usr/lib/wine/wine64)
export WINEPREFIX=$T/wine WINEDEBUG=-all
W=$T/win
mkdir -p "$W/bin"
python3 -m zipfile -e "$DIST/kubectl-lm-windows-amd64.zip" "$W"
winpath() { echo "Z:${1//\//\\}"; }
cluster=$(kubectl config view --raw --minify --context admin -o jsonpath='{.clusters[0].name}')
kubectl config view --raw --flatten --minify --context admin > "$W/a.config"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' \
  "$(cat "$(kubectl config view --raw -o jsonpath='{.users[?(@.name=="exec-user")].user.exec.env[0].value}')")" > "$W/cred.json"
# A .cmd found through PATH and PATHEXT, started without a shell of ours.
printf '@echo off\r\ntype "%%PLUGIN_CRED%%"\r\n' > "$W/bin/lm-plugin.cmd"
cat > "$W/b.config" <<YAML
apiVersion: v1
kind: Config
users:
- name: viewer
  user: {token: $(kubectl config view --raw -o jsonpath='{.users[?(@.name=="viewer")].user.token}')}
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: lm-plugin
      interactiveMode: Never
      env: [{name: PLUGIN_CRED, value: '$(winpath "$W/cred.json")'}]
contexts:
- {name: viewer, context: {cluster: $cluster, user: viewer}}
- {name: exec, context: {cluster: $cluster, user: exec-user}}
YAML
mkdir -p "$T/empty-home"
lmw() {
  run env HOME="$T/empty-home" KUBECONFIG="$(winpath "$W/a.config");$(winpath "$W/b.config")" \
    WINEPATH="$(winpath "$W/bin")" "$WINE" "$W/kubectl-lm.exe" "$@"
}
lmw version
expect_rc 0
expect_out_contains "Server Version: v1.36.3"
for ctx in admin viewer exec; do
  lmw status --context "$ctx" -v=6
  expect_rc 0 "(status --context $ctx)"
  expect_err_contains "deployments?labelSelector="
done
# The same answers as the Linux build, to the byte (long is 32 bits on Windows).
for cmd in "nodes -o json" "models --fits -o json" "nodes"; do
  read -r -a words <<<"$cmd"
  lmw "${words[@]}"
  expect_rc 0 "($cmd)"
  win=$OUT
  run kubectl lm "${words[@]}"
  expect_eq "$(tr -d '\r' <<<"$win")" "$OUT" "(kubectl lm $cmd under Wine and on Linux)"
done

test_case "windows/amd64 under Wine with no KUBECONFIG: the kubeconfig under %USERPROFILE%"
profile=$WINEPREFIX/drive_c/users/$(id -un)
mkdir -p "$profile/.kube"
cp "$W/a.config" "$profile/.kube/config"
run env -u KUBECONFIG HOME="$T/empty-home" "$WINE" "$W/kubectl-lm.exe" nodes
expect_rc 0
expect_out_contains "gpu-h100-0"

finish
