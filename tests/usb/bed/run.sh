#!/usr/bin/env bash
# The USB test bed: boots Debian bookworm's amd64 kernel in QEMU (TCG, no
# KVM) with dummy_hcd and the gadget and class drivers loaded, the host's
# root shared read-only by 9p, and runs CMD inside, chrooted into the host's
# root, in the current directory. CMD's output (stdout and stderr together)
# is streamed on stdout; run.sh exits with CMD's exit code.
#
#   tests/usb/bed/run.sh [--out DIR] [--timeout SECONDS] [--mem MIB]
#                        [--kopt MODULE.PARAM=VALUE]... [--] CMD [ARG...]
#
# --out DIR   the one directory CMD can write on the host (created; default
#             a fresh /tmp/rig-usb-bed.XXXXXX, removed unless --keep). Inside
#             the guest it is at the same path, and $RIG_BED_OUT names it.
#             Everything else of the host is read-only; /tmp and /run are
#             the guest's own tmpfs.
# --kopt      a module option, e.g. dummy_hcd.num=2 (two UDC/HCD pairs).
# --timeout   the guest is killed after this many seconds (default 600);
#             exit code 124 then.
# Exit 77 with the reason on stderr when QEMU, busybox-static or the kernel
# package is absent (RIG_USB_BED_FETCH=1 lets it download the kernel with
# scripts/pi-kernel.sh --arch amd64 under /tmp/rig-apt.lock).
# Run it under flock /tmp/rig-heavy.lock on shared machines: it takes one
# CPU for as long as it runs (boot to command: about 10-15 s).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
cache=${RIG_CACHE_DIR:-$HOME/.cache/rig}
kdir=$cache/usb-kernel
out=
keep=0
timeout_s=600
mem=1024
kopts=()
while [ $# -gt 0 ]; do
  case "$1" in
  --out) out=$2; keep=1; shift 2 ;;
  --keep) keep=1; shift ;;
  --timeout) timeout_s=$2; shift 2 ;;
  --mem) mem=$2; shift 2 ;;
  --kopt) kopts+=("$2"); shift 2 ;;
  --) shift; break ;;
  -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: tests/usb/bed/run.sh [--out DIR] [--timeout S] [--kopt M.P=V] CMD [ARG...]" >&2; exit 2; }

skip() { echo "usb bed skipped: $*" >&2; exit 77; }
qemu=$(command -v qemu-system-x86_64 || true)
[ -n "$qemu" ] || skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
[ -x /bin/busybox ] || skip "/bin/busybox is not installed (apt-get install busybox-static)"
if [ ! -s "$kdir/vmlinuz" ] || [ "$(cat "$kdir/modules.list" 2>/dev/null)" != "$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/modules.list" | tr -d ' \t')" ]; then
  if [ -n "${RIG_USB_BED_FETCH:-}" ] || ls "$kdir"/deb/*.deb >/dev/null 2>&1; then
    flock /tmp/rig-apt.lock bash "$src/scripts/pi-kernel.sh" --arch amd64 --modules "$here/modules.list" "$kdir" >&2 ||
      skip "Debian's amd64 kernel could not be fetched (scripts/pi-kernel.sh --arch amd64)"
  else
    skip "no Debian amd64 kernel in $kdir (scripts/pi-kernel.sh --arch amd64, or RIG_USB_BED_FETCH=1)"
  fi
fi
img=$(bash "$here/mkimage.sh" "$kdir" "$cache/usb-bed/initramfs.cpio.gz")

if [ -z "$out" ]; then
  out=$(mktemp -d /tmp/rig-usb-bed.XXXXXX)
fi
mkdir -p "$out/.bed"
out=$(cd "$out" && pwd -P)
case "$out" in *[,\ ]*) echo "run.sh: --out $out: no commas or spaces (QEMU option syntax)" >&2; exit 2 ;; esac
cleanup() { [ "$keep" = 1 ] || rm -rf "$out"; }
trap cleanup EXIT
rm -f "$out/.bed/rc"
# CMD as a script: the same directory, the variables a test needs, quoted args
{
  echo "export PATH='$PATH' HOME=/tmp RIG_BED_OUT='$out' RIG_IN_USB_BED=1"
  for v in RIG_SOURCE_DIR RIG_BINARY_DIR RIG_DEBUG ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
    if [ -n "${!v:-}" ]; then printf 'export %s=%q\n' "$v" "${!v}"; fi
  done
  printf 'cd %q 2>/dev/null || cd /\n' "$PWD"
  printf 'exec'
  printf ' %q' "$@"
  echo
} >"$out/.bed/cmd.sh"

# top-level directories of the host's /tmp the command needs (the tree, the
# build, the working directory): the guest's /tmp is a tmpfs of its own
keepdirs=
for d in "$src" "$PWD" "${RIG_SOURCE_DIR:-}" "${RIG_BINARY_DIR:-}"; do
  [ -n "$d" ] || continue
  d=$(cd "$d" 2>/dev/null && pwd -P) || continue
  case "$d" in
  /tmp/*)
    top=${d#/tmp/}
    top=${top%%/*}
    case ":$keepdirs:" in *":$top:"*) ;; *) keepdirs=${keepdirs:+$keepdirs:}$top ;; esac
    ;;
  esac
done
case "$keepdirs" in *[,\ ]*) echo "run.sh: a /tmp directory with a comma or space cannot be shared" >&2; exit 2 ;; esac

set +e
timeout -k 5 "$timeout_s" "$qemu" -M pc -cpu max -accel tcg -m "$mem" -smp 1 \
  -kernel "$kdir/vmlinuz" -initrd "$img" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init rig.out=$out${keepdirs:+ rig.keep=$keepdirs} ${kopts[*]:-}" \
  -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
  -virtfs "local,path=$out,mount_tag=out,security_model=none,multidevs=remap" \
  -display none -monitor none -serial stdio -no-reboot -nodefaults </dev/null | tr -d '\r'
st=("${PIPESTATUS[@]}")
set -e
if [ "${st[0]}" = 124 ]; then
  echo "run.sh: the guest did not finish within ${timeout_s} s (killed)" >&2
  exit 124
fi
if [ ! -s "$out/.bed/rc" ]; then
  echo "run.sh: the guest stopped without running the command (QEMU exit ${st[0]}; messages above)" >&2
  exit 125
fi
exit "$(cat "$out/.bed/rc")"
