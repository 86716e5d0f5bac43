#!/usr/bin/env bash
# Installs what rig needs on Debian 12 (bookworm), idempotently, as root.
# Prints what it installs and which Go it uses.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git ca-certificates clang-format
  libsqlite3-dev sqlite3 libelf-dev libfyaml-dev libsodium-dev
  libserialport-dev libusb-1.0-0-dev libcmocka-dev
  gccgo gccgo-aarch64-linux-gnu gccgo-arm-linux-gnueabihf
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf
  gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
  clang lld wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev
  qemu-system-arm qemu-user qemu-utils
  hyperfine wabt binutils cpio xz-utils zstd kmod iproute2 time
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all Debian packages present" >&2
fi
