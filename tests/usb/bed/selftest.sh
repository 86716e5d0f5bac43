#!/usr/bin/env bash
# usb/bed-selftest: the bed's own check, and an example of a kernel-function
# gadget. One composite gadget (CDC-ACM + mass storage over a FAT image) on
# the first dummy UDC; the host side must see a ttyACM with the gadget's
# idVendor/idProduct/serial in sysfs, a SCSI disk that mounts as vfat and
# takes a file that lands in the backing image, and a new device number
# after the UDC is unbound and bound again (re-enumeration).
set -euo pipefail
[ -n "${RIG_IN_USB_BED:-}" ] || { echo "not inside the USB test bed (tests/usb/bed/run.sh)"; exit 77; }
command -v mkfs.vfat >/dev/null || { echo "mkfs.vfat absent (apt-get install dosfstools)"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
wait_for() { # seconds test...
  local n=$(($1 * 10)); shift
  while ! "$@"; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1; done
}
udc=$(ls /sys/class/udc | head -n1)
[ -n "$udc" ] || fail "no UDC in /sys/class/udc (dummy_hcd not loaded?)"
img=/tmp/selftest.img
truncate -s 8M "$img"
mkfs.vfat -n SELFTEST "$img" >/dev/null
g=/sys/kernel/config/usb_gadget/selftest
mkdir "$g"
echo 0x1209 >"$g/idVendor"
echo 0x0001 >"$g/idProduct"
mkdir "$g/strings/0x409"
echo SELF0001 >"$g/strings/0x409/serialnumber"
echo rig >"$g/strings/0x409/manufacturer"
echo "bed selftest" >"$g/strings/0x409/product"
mkdir "$g/configs/c.1" "$g/functions/acm.0" "$g/functions/mass_storage.0"
echo 1 >"$g/functions/mass_storage.0/lun.0/removable"
echo "$img" >"$g/functions/mass_storage.0/lun.0/file"
ln -s "$g/functions/acm.0" "$g/configs/c.1/"
ln -s "$g/functions/mass_storage.0" "$g/configs/c.1/"
echo "$udc" >"$g/UDC"
echo "gadget bound to $udc"

wait_for 10 test -e /dev/ttyACM0 || fail "no /dev/ttyACM0 after 10 s"
dev=$(readlink -f /sys/class/tty/ttyACM0/device/..)
echo "ttyACM0 at $dev: $(cat "$dev/idVendor"):$(cat "$dev/idProduct") serial $(cat "$dev/serial")"
[ "$(cat "$dev/idVendor"):$(cat "$dev/idProduct")" = 1209:0001 ] || fail "ttyACM0's VID:PID"
[ "$(cat "$dev/serial")" = SELF0001 ] || fail "ttyACM0's serial"
devnum=$(cat "$dev/devnum")
port=$(basename "$dev")
echo "port path $port, devnum $devnum"

sd() { for b in /sys/block/sd*; do [ -e "$b" ] && basename "$b" && return 0; done; return 1; }
wait_for 15 sd >/dev/null || fail "no SCSI disk after 15 s"
blk=$(sd)
wait_for 5 test -b "/dev/$blk" || fail "/dev/$blk never appeared"
case "$(readlink -f /sys/block/$blk)" in */$port/*) ;; *) fail "/sys/block/$blk is not under $port" ;; esac
mnt=$(mktemp -d)
mount -t vfat "/dev/$blk" "$mnt" || fail "mount -t vfat /dev/$blk"
echo "selftest payload" >"$mnt/HELLO.TXT"
sync
umount "$mnt"
grep -q "selftest payload" "$img" || fail "the write did not reach the backing image"
echo "/dev/$blk mounted as vfat, HELLO.TXT reached $img"

echo "" >"$g/UDC"
wait_for 10 sh -c '! test -e /dev/ttyACM0' || fail "ttyACM0 still there after unbind"
echo "$udc" >"$g/UDC"
wait_for 10 test -e /sys/bus/usb/devices/$port/devnum || fail "$port did not come back after rebind"
n2=$(cat /sys/bus/usb/devices/$port/devnum)
[ "$n2" != "$devnum" ] || fail "devnum unchanged after rebind ($n2)"
echo "re-enumerated at $port as devnum $n2 (was $devnum)"
echo "bed selftest ok"
