#!/usr/bin/env bash
# usb/dfu_util (in the USB test bed): Debian's dfu-util, an independent
# DfuSe host, against the same boot loader model rig's dfu part is tested
# on (usbmodel_dfuse): dfu-util -l must list 0483:df11 with the memory map
# string; -a 0 -s 0x08000000:leave -D writes an image (the model saves its
# flash and resets into the app, 0483:5740); with the model started again
# on the same flash, -U reads it back equal. Prints both directions'
# bytes/s (docs/benchmarks.md compares them with rig's).
set -euo pipefail
[ -n "${RIG_IN_USB_BED:-}" ] || { echo "not inside the USB test bed (tests/usb/bed/run.sh)"; exit 77; }
command -v dfu-util >/dev/null || { echo "dfu-util absent (apt-get install dfu-util)"; exit 77; }
model=$RIG_BINARY_DIR/tests/usb/usbmodel_dfuse
dir=/tmp/dfu-util
size=${RIG_DFU_UTIL_BYTES:-65536}
fail() { echo "FAIL: $*"; exit 1; }
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
mkdir -p "$dir"
rm -f "$dir/flash.bin"
# the model saves its flash up to the last byte that is not 0xFF (erased):
# a random image ending in 0xFF (1 run in 256) would compare short, so the
# last byte is fixed
{ head -c "$((size - 1))" /dev/urandom; printf '\x5a'; } >"$dir/image.bin"
start() {
  bash "$RIG_SOURCE_DIR/tests/usb/bed/gadget-reset.sh"
  "$model" --flash "$dir/flash.bin" >"$dir/model.out" 2>"$dir/model.err" &
  pid=$!
  for _ in $(seq 50); do grep -q ready "$dir/model.out" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$dir/model.out" || fail "the model did not start: $(cat "$dir/model.err")"
  for _ in $(seq 50); do dfu-util -l 2>/dev/null | grep -q 0483:df11 && return 0; sleep 0.1; done
  fail "dfu-util -l never listed 0483:df11"
}
stop() {
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
trap 'stop; bash "$RIG_SOURCE_DIR/tests/usb/bed/gadget-reset.sh"' EXIT

start
dfu-util -l | tee "$dir/list.txt" | grep 0483:df11
grep -q 'name="@Internal Flash  /0x08000000/04\*016Kg,01\*064Kg,03\*128Kg"' "$dir/list.txt" ||
  fail "dfu-util -l does not show the memory map string"
t0=$(now)
dfu-util -a 0 -s 0x08000000:leave -D "$dir/image.bin" >"$dir/dnload.txt" 2>&1 ||
  { cat "$dir/dnload.txt"; fail "dfu-util -D failed"; }
t1=$(now)
tail -n 4 "$dir/dnload.txt"
for _ in $(seq 50); do grep -q left "$dir/model.out" && break; sleep 0.1; done
grep -q left "$dir/model.out" || fail "the model did not leave DFU mode after :leave"
cmp -n "$size" "$dir/flash.bin" "$dir/image.bin" || fail "the model's flash differs from the image"
echo "dfu-util -D: $size bytes in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s ($(rate "$size" "$t0" "$t1") B/s, erase and process start included), the model's flash equal"
stop

start
rm -f "$dir/back.bin"
t0=$(now)
dfu-util -a 0 -s "0x08000000:$size" -U "$dir/back.bin" >"$dir/upload.txt" 2>&1 ||
  { cat "$dir/upload.txt"; fail "dfu-util -U failed"; }
t1=$(now)
cmp "$dir/back.bin" "$dir/image.bin" || fail "dfu-util -U read back something else"
echo "dfu-util -U: $size bytes in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s ($(rate "$size" "$t0" "$t1") B/s), equal to the image"
echo "dfu-util cross-check ok"
