#!/usr/bin/env bash
# Fetches a Debian arm64 kernel for the emulated Raspberry Pi board
# (boards/qemu-rpi-arm64.yaml) from Debian's own packages and extracts what
# the initramfs needs into a cache directory. Nothing here is committed.
#
#   scripts/pi-kernel.sh [CACHE_DIR]     default: ${RIG_CACHE_DIR:-~/.cache/rig}/pi-kernel
#
# Result (CACHE_DIR):
#   vmlinuz                 the kernel image (arm64, Debian 6.1)
#   modules/*.ko            failover, net_failover, virtio_mmio, virtio_net (decompressed)
#   version                 the kernel release, e.g. 6.1.0-35-arm64
#   hyperfine/              hyperfine:arm64 and the libraries it needs (for bench/agent_*.sh)
# Needs: root for `dpkg --add-architecture arm64` + `apt-get update` the first
# time (apt cannot download arm64 packages otherwise), dpkg-deb, xz.
set -euo pipefail

CACHE=${1:-${RIG_CACHE_DIR:-$HOME/.cache/rig}/pi-kernel}
MODS=(failover net_failover virtio_mmio virtio_net)

if [ -s "$CACHE/vmlinuz" ] && [ -s "$CACHE/modules/virtio_net.ko" ] && [ -x "$CACHE/hyperfine/usr/bin/hyperfine" ]; then
  echo "pi-kernel: $CACHE already has $(cat "$CACHE/version")" >&2
  exit 0
fi

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  if [ "$(id -u)" != 0 ]; then
    echo "pi-kernel: apt needs the arm64 architecture: run as root (dpkg --add-architecture arm64)" >&2
    exit 1
  fi
  echo "pi-kernel: adding arm64 to dpkg's architectures (package lists only; nothing arm64 is installed)" >&2
  dpkg --add-architecture arm64
  if ! apt-get update -qq; then
    # a half-fetched arm64 list would make every later `apt-get update` fail
    echo "pi-kernel: apt-get update failed (mirror sync?): removing arm64 again; retry later" >&2
    dpkg --remove-architecture arm64
    exit 1
  fi
fi
if ! apt-cache show linux-image-arm64:arm64 >/dev/null 2>&1; then
  apt-get update -qq
fi

# The metapackage names the current kernel ABI: linux-image-6.1.0-NN-arm64.
kpkg=$(apt-cache depends linux-image-arm64:arm64 | sed -n 's/^ *Depends: \(linux-image-6[^ ]*-arm64\).*/\1/p' | head -n1)
kpkg=${kpkg%:arm64}
if [ -z "$kpkg" ]; then
  echo "pi-kernel: cannot find the kernel package behind linux-image-arm64:arm64" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$CACHE/modules" "$CACHE/hyperfine"
(cd "$work" && apt-get download -q "$kpkg:arm64" >/dev/null)
deb=$(ls "$work"/*.deb)
echo "pi-kernel: extracting $(basename "$deb")" >&2
dpkg-deb -x "$deb" "$work/k"
release=$(ls "$work/k/lib/modules" | head -n1)
cp "$work/k/boot/vmlinuz-$release" "$CACHE/vmlinuz"
for m in "${MODS[@]}"; do
  f=$(find "$work/k/lib/modules/$release" -name "$m.ko*" | head -n1)
  if [ -z "$f" ]; then
    echo "pi-kernel: module $m not found in $kpkg" >&2
    exit 1
  fi
  case "$f" in
  *.xz) xz -dc "$f" >"$CACHE/modules/$m.ko" ;;
  *.zst) zstd -qdc "$f" >"$CACHE/modules/$m.ko" ;;
  *) cp "$f" "$CACHE/modules/$m.ko" ;;
  esac
done

# hyperfine for arm64, to measure a program's startup the way the agent does
# but on the emulated board itself. Its libraries come from the same arm64 lists.
rm -rf "$work/h" && mkdir -p "$work/h"
(cd "$work/h" && apt-get download -q hyperfine:arm64 libgcc-s1:arm64 >/dev/null)
for d in "$work"/h/*.deb; do dpkg-deb -x "$d" "$CACHE/hyperfine"; done

echo "$release" >"$CACHE/version"
echo "pi-kernel: $CACHE: vmlinuz $release, modules ${MODS[*]}, hyperfine" >&2
