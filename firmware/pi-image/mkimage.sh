#!/usr/bin/env bash
# Builds the emulated Pi's initramfs: a static /init (init.c), the static
# rig-agent, the virtio network modules, the board's C library and libgo
# (gccgo and C artifacts are dynamically linked), hyperfine for the
# benchmark, and the agent's key.
#
#   firmware/pi-image/mkimage.sh [--arch aarch64|armhf] [--kernel-dir DIR] [--out DIR]
#
# Defaults: kernel from scripts/pi-kernel.sh (${RIG_CACHE_DIR:-~/.cache/rig}/pi-kernel,
# pi-kernel-armhf for armhf),
# output in ${RIG_CACHE_DIR:-~/.cache/rig}/pi-image/<arch>. Writes
#   OUT/initramfs.cpio.gz   the image
#   OUT/agent.key           the pre-shared key (mode 600; created once, kept)
# Rebuilds only when the sources' content differs from the image's (OUT/.sources).
# Prints the image path.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root_src=$(cd "$here/../.." && pwd)
cache=${RIG_CACHE_DIR:-$HOME/.cache/rig}
arch=aarch64
kdir=
out=
while [ $# -gt 0 ]; do
  case "$1" in
  --arch) arch=$2; shift 2 ;;
  --kernel-dir) kdir=$2; shift 2 ;;
  --out) out=$2; shift 2 ;;
  *) echo "mkimage.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
out=${out:-$cache/pi-image/$arch}
if [ -z "$kdir" ]; then
  if [ "$arch" = aarch64 ]; then kdir=$cache/pi-kernel; else kdir=$cache/pi-kernel-$arch; fi
fi

case "$arch" in
aarch64) cc=aarch64-linux-gnu-gcc; sysroot=/usr/aarch64-linux-gnu; ld_so=ld-linux-aarch64.so.1 ;;
armhf) cc=arm-linux-gnueabihf-gcc; sysroot=/usr/arm-linux-gnueabihf; ld_so=ld-linux-armhf.so.3 ;;
*) echo "mkimage.sh: --arch aarch64 or armhf (Debian's arm64 / armmp kernel under qemu -M virt)" >&2; exit 2 ;;
esac
for need in "$cc" cpio gzip; do
  command -v "$need" >/dev/null || { echo "mkimage.sh: $need is not installed (scripts/setup.sh)" >&2; exit 1; }
done
for m in failover net_failover virtio_mmio virtio_net; do
  [ -s "$kdir/modules/$m.ko" ] || { echo "mkimage.sh: $kdir/modules/$m.ko missing: run scripts/pi-kernel.sh" >&2; exit 1; }
done

mkdir -p "$out"
# one builder at a time per image (a bench and a test may both boot the board)
exec 9>"$out/.lock"
flock 9
img=$out/initramfs.cpio.gz
key=$out/agent.key
if [ ! -s "$key" ]; then
  (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$key" && echo >>"$key")
fi
chmod 600 "$key"

# What the image is built from, by content: worktrees of different ages
# share this cache, and an image built from newer sources is not newer by
# mtime for an older checkout (agent protocol versions must match).
stamp=$( (cd "$root_src" && find firmware/pi-image firmware/agent firmware/protocol -type f -print0 |
  LC_ALL=C sort -z | xargs -0 sha256sum
  find "$kdir/modules" "$key" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
  sha256sum | cut -d' ' -f1)
if [ -s "$img" ] && [ "$(cat "$out/.sources" 2>/dev/null)" = "$stamp" ]; then
  echo "$img"
  exit 0
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
r=$stage/root
mkdir -p "$r"/{bin,lib/modules,etc/rig,proc,sys,dev,tmp,var/rig,var/log,usr/bin}
chmod 755 "$r/var/rig"
"$cc" -std=c11 -O2 -Wall -Wextra -static -s -o "$r/init" "$here/init.c"
"$root_src/firmware/agent/build-cross.sh" "$arch" "$r/bin/rig-agent"
cp "$kdir"/modules/*.ko "$r/lib/modules/"
for lib in "$ld_so" libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2 librt.so.1 libresolv.so.2 libgcc_s.so.1 libgo.so.21; do
  if [ -e "$sysroot/lib/$lib" ]; then cp -L "$sysroot/lib/$lib" "$r/lib/$lib"; fi
done
# debug info is most of libgo's 59 MB; the image is unpacked at every boot
strip_tool=${cc%gcc}strip
if command -v "$strip_tool" >/dev/null; then
  "$strip_tool" --strip-unneeded "$r"/lib/lib*.so* 2>/dev/null || true
fi
if [ -x "$kdir/hyperfine/usr/bin/hyperfine" ]; then
  cp "$kdir/hyperfine/usr/bin/hyperfine" "$r/usr/bin/hyperfine"
fi
# workloads run as nobody: a passwd/group so tools that ask have an answer
printf 'root:x:0:0:root:/:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
cp "$key" "$r/etc/rig/agent.key"
chmod 600 "$r/etc/rig/agent.key"
tmpimg=$(mktemp "$out/.initramfs.XXXXXX")
(cd "$r" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner 0:0 --quiet) | gzip -6 >"$tmpimg"
chmod 644 "$tmpimg"
mv "$tmpimg" "$img"
echo "$stamp" >"$out/.sources"
echo "$img"
