#!/usr/bin/env bash
# ctest entry usb/bed: boots the USB test bed once and runs every USB test of
# MANIFEST inside it (tests/usb/bed/suite.sh); each test's log and exit code
# land in OUT, where the entries usb/NAME read them (result.sh). When the bed
# cannot boot, OUT/bed.skip holds the reason and every usb/NAME is skipped.
#
#   tests/usb/bed/ctest.sh MANIFEST OUT
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
manifest=$1
out=$2
rm -rf "$out"
mkdir -p "$out"
"$here/run.sh" --out "$out" --timeout 1700 --kopt dummy_hcd.num=2 \
  bash "$here/suite.sh" "$manifest" "$out" 2>"$out/bed.err"
rc=$?
cat "$out/bed.err" >&2
case $rc in
0) exit 0 ;;
77) sed -n 's/^usb bed skipped: //p' "$out/bed.err" >"$out/bed.skip"; exit 77 ;;
*) echo "usb bed: failed (exit $rc)" >"$out/bed.fail"; exit 1 ;;
esac
