#!/usr/bin/env bash
# Inside the USB test bed: runs every test of MANIFEST (lines NAME<TAB>CMD
# <TAB>ARG...) one after another, each with a 300 s limit and a clean gadget
# state before it, writing OUT/NAME.log and OUT/NAME.rc and one console line
# per test. Exits 0 when none failed.
#
#   tests/usb/bed/suite.sh MANIFEST OUT
set -u
here=$(cd "$(dirname "$0")" && pwd)
manifest=$1
out=$2
failed=0
while IFS= read -r line; do
  [ -n "$line" ] || continue
  IFS=$'\t' read -r -a f <<<"$line"
  name=${f[0]}
  bash "$here/gadget-reset.sh"
  t0=$(date +%s.%N)
  timeout -k 5 300 "${f[@]:1}" >"$out/$name.log" 2>&1 </dev/null
  rc=$?
  t=$(echo "$t0 $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
  echo "$rc" >"$out/$name.rc"
  case $rc in
  0) echo "usb-test: $name passed (${t} s)" ;;
  77) echo "usb-test: $name skipped: $(tail -n1 "$out/$name.log")" ;;
  124) echo "usb-test: $name failed: timed out after 300 s"; failed=1 ;;
  *)
    echo "usb-test: $name failed (exit $rc, ${t} s); its FAIL lines, then its last lines:"
    grep -m 20 '^FAIL' "$out/$name.log" | sed 's/^/    /'
    echo "    ..."
    tail -n 15 "$out/$name.log" | sed 's/^/    /'
    failed=1
    ;;
  esac
done <"$manifest"
bash "$here/gadget-reset.sh"
exit $failed
