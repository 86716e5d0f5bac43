#!/usr/bin/env bash
# Builds the USB test bed's initramfs: busybox (Debian's busybox-static), the
# bed's /init and the kernel modules that scripts/pi-kernel.sh --arch amd64
# put in the kernel cache, in load order.
#
#   tests/usb/bed/mkimage.sh KERNEL_DIR OUT_IMAGE
#
# Rebuilds only when a source is newer than the image. Prints the image path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kdir=$1
img=$2
bb=/bin/busybox
[ -x "$bb" ] || { echo "mkimage.sh: no static busybox (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$(dirname "$img")"
exec 9>"$img.lock"
flock 9
if [ -s "$img" ] && [ -z "$(find "$here/init" "$here/mkimage.sh" "$kdir/modules" "$bb" -newer "$img" 2>/dev/null | head -n1)" ]; then
  echo "$img"
  exit 0
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
r=$stage/root
mkdir -p "$r"/{bin,lib/modules,proc,sys,dev,tmp,host}
cp "$bb" "$r/bin/busybox"
cp "$here/init" "$r/init"
chmod 755 "$r/init"
cp "$kdir"/modules/*.ko "$r/lib/modules/"
tmp=$(mktemp "$img.XXXXXX")
(cd "$r" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner 0:0 --quiet) | gzip -1 >"$tmp"
chmod 644 "$tmp"
mv "$tmp" "$img"
echo "$img"
