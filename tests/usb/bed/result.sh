#!/usr/bin/env bash
# ctest entry usb/NAME: what test NAME did inside the USB test bed (run by
# usb/bed before it): prints its log, exits with its code (77 = skipped).
#
#   tests/usb/bed/result.sh OUT NAME
out=$1
name=$2
if [ -s "$out/bed.skip" ]; then
  echo "skipped: the USB test bed did not run: $(cat "$out/bed.skip")"
  exit 77
fi
if [ ! -s "$out/$name.rc" ]; then
  echo "usb/$name: no result in $out (did usb/bed run? $(cat "$out/bed.fail" 2>/dev/null))"
  exit 1
fi
cat "$out/$name.log"
exit "$(cat "$out/$name.rc")"
