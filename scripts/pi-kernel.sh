#!/usr/bin/env bash
# Fetches a Debian kernel for the emulated Raspberry Pi boards from Debian's
# own packages and extracts what the initramfs needs into a cache directory.
# Nothing here is committed, and nothing is installed: apt runs with a private
# state directory for the foreign architecture, so dpkg's configuration and
# the machine's package lists are left as they were.
#
#   scripts/pi-kernel.sh [--arch arm64|armhf|amd64] [--modules LIST] [CACHE_DIR]
#
# arm64 (default): linux-image-arm64's kernel for qemu-system-aarch64 -M virt,
#   into ${RIG_CACHE_DIR:-~/.cache/rig}/pi-kernel, plus hyperfine:arm64 (and
#   libgcc-s1) for bench/agent_bench.sh.
# armhf: linux-image-armmp's kernel for qemu-system-arm -M virt, into
#   .../pi-kernel-armhf.
# amd64: linux-image-amd64's kernel for the USB test bed (tests/usb/bed/,
#   qemu-system-x86_64), into .../usb-kernel. The package has no modules.dep:
#   depmod -b builds it, and every module named in LIST (one a line,
#   tests/usb/bed/modules.list) is copied with its dependencies, in load
#   order, as modules/NN-name.ko; the .deb is kept in deb/ so a longer LIST
#   needs no second download.
# Result (CACHE_DIR): vmlinuz, modules/{failover,net_failover,virtio_mmio,
# virtio_net}.ko (decompressed), version, and hyperfine/ for arm64.
set -euo pipefail

arch=arm64
modlist=
while [ $# -gt 0 ]; do
  case "$1" in
  --arch) arch=$2; shift 2 ;;
  --modules) modlist=$2; shift 2 ;;
  *) break ;;
  esac
done
case "$arch" in
arm64) meta=linux-image-arm64; flavour=arm64; default_dir=pi-kernel ;;
armhf) meta=linux-image-armmp; flavour=armmp; default_dir=pi-kernel-armhf ;;
amd64) meta=linux-image-amd64; flavour=amd64; default_dir=usb-kernel ;;
*) echo "pi-kernel: --arch arm64, armhf or amd64, got '$arch'" >&2; exit 2 ;;
esac
CACHE=${1:-${RIG_CACHE_DIR:-$HOME/.cache/rig}/$default_dir}
MODS=(failover net_failover virtio_mmio virtio_net)
if [ "$arch" = amd64 ]; then
  modlist=${modlist:-$(cd "$(dirname "$0")/.." && pwd)/tests/usb/bed/modules.list}
  [ -s "$modlist" ] || { echo "pi-kernel: no module list $modlist" >&2; exit 2; }
  mapfile -t MODS < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$modlist" | tr -d ' \t')
fi

# the amd64 bed: vmlinuz plus the modules of LIST, in load order
rig_amd64_modules() { # tree release
  local tree=$1 rel=$2 m line f n=0 base
  depmod -b "$tree" "$rel"
  rm -rf "$CACHE/modules" && mkdir -p "$CACHE/modules"
  declare -A seen=()
  for m in "${MODS[@]}"; do
    if ! out=$(modprobe -d "$tree" -S "$rel" --show-depends "$m" 2>&1); then
      echo "pi-kernel: module $m: $out" >&2
      return 1
    fi
    while read -r line; do
      case "$line" in
      insmod\ *) f=${line#insmod }; f=${f%% *} ;;
      *) continue ;; # builtin
      esac
      base=$(basename "$f"); base=${base%%.ko*}
      [ -n "${seen[$base]:-}" ] && continue
      seen[$base]=1
      n=$((n + 1))
      case "$f" in
      *.xz) xz -dc "$f" >"$CACHE/modules/$(printf %02d "$n")-$base.ko" ;;
      *.zst) zstd -qdc "$f" >"$CACHE/modules/$(printf %02d "$n")-$base.ko" ;;
      *) cp "$f" "$CACHE/modules/$(printf %02d "$n")-$base.ko" ;;
      esac
    done <<<"$out"
  done
  cp "$tree/boot/vmlinuz-$rel" "$CACHE/vmlinuz"
  printf '%s\n' "${MODS[@]}" >"$CACHE/modules.list"
  echo "$rel" >"$CACHE/version"
  echo "pi-kernel: $CACHE: vmlinuz $rel, $n modules for ${MODS[*]}" >&2
}

if [ "$arch" = amd64 ] && [ -s "$CACHE/vmlinuz" ] &&
  [ "$(cat "$CACHE/modules.list" 2>/dev/null)" = "$(printf '%s\n' "${MODS[@]}")" ]; then
  echo "pi-kernel: $CACHE already has $(cat "$CACHE/version")" >&2
  exit 0
fi
if [ "$arch" = amd64 ] && ls "$CACHE"/deb/*.deb >/dev/null 2>&1; then
  # the module list changed: the kept package is enough
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  dpkg-deb -x "$(ls "$CACHE"/deb/*.deb | head -n1)" "$work/k"
  rig_amd64_modules "$work/k" "$(ls "$work/k/lib/modules" | head -n1)"
  exit 0
fi

if [ "$arch" != amd64 ] && [ -s "$CACHE/vmlinuz" ] && [ -s "$CACHE/modules/virtio_net.ko" ] &&
  { [ "$arch" != arm64 ] || [ -x "$CACHE/hyperfine/usr/bin/hyperfine" ]; }; then
  echo "pi-kernel: $CACHE already has $(cat "$CACHE/version")" >&2
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt with its own lists for the foreign architecture, from the mirror the
# machine's sources already use (main only: the kernel is there)
mirror=$(grep -rhoE 'https?://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null |
  grep -E '/debian/?$' | head -n 1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
st=$work/apt
mkdir -p "$st/lists/partial" "$st/cache/archives/partial" "$work/dl"
: >"$st/status"
echo "deb $mirror $suite main" >"$st/sources.list"
apt_o=(-o "Dir::State=$st" -o "Dir::State::Lists=$st/lists" -o "Dir::State::status=$st/status"
  -o "Dir::Cache=$st/cache" -o "Dir::Etc::SourceList=$st/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null" -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch")
echo "pi-kernel: reading $arch package lists from $mirror $suite" >&2
apt-get "${apt_o[@]}" update -qq
# the metapackage names the current kernel ABI: linux-image-6.1.0-NN-FLAVOUR
kpkg=$(apt-cache "${apt_o[@]}" depends "$meta" |
  sed -n "s/^ *Depends: \(linux-image-6[^ ]*-$flavour\).*/\1/p" | head -n1 || true)
kpkg=${kpkg%:$arch}
if [ -z "$kpkg" ]; then
  echo "pi-kernel: cannot find the kernel package behind $meta ($arch)" >&2
  exit 1
fi
(cd "$work/dl" && apt-get "${apt_o[@]}" download -q "$kpkg" >/dev/null 2>&1)
deb=$(ls "$work"/dl/*.deb)
echo "pi-kernel: extracting $(basename "$deb")" >&2
dpkg-deb -x "$deb" "$work/k"
release=$(ls "$work/k/lib/modules" | head -n1)
if [ "$arch" = amd64 ]; then
  mkdir -p "$CACHE/deb"
  rm -f "$CACHE"/deb/*.deb
  cp "$deb" "$CACHE/deb/"
  rig_amd64_modules "$work/k" "$release"
  exit 0
fi
mkdir -p "$CACHE/modules"
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

if [ "$arch" = arm64 ]; then
  # hyperfine to measure a program's startup on the emulated board itself
  rm -rf "$work/dl"/*.deb "$CACHE/hyperfine"
  mkdir -p "$CACHE/hyperfine"
  (cd "$work/dl" && apt-get "${apt_o[@]}" download -q hyperfine libgcc-s1 >/dev/null 2>&1)
  for d in "$work"/dl/*.deb; do dpkg-deb -x "$d" "$CACHE/hyperfine"; done
fi

echo "$release" >"$CACHE/version"
echo "pi-kernel: $CACHE: vmlinuz $release, modules ${MODS[*]}" >&2
