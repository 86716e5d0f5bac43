#!/usr/bin/env bash
# USB benchmarks in the USB test bed (tests/usb/bed), one boot:
#
#  1. rig-agent upload over the usb-bulk link against a plain libusb bulk
#     loop (1 MiB transfers) in the same bed, interleaved round by round
#     (tests/usb/tools/usbbench_agent.c); device-side figures (the agent's
#     own PUT_BEGIN..PUT_END time, the sink's clock) as the cross-check.
#  2. Cold start through hub power: rig bench on the RP2040 model (its
#     application, hosted firmware) with power usb-hub-port, workload
#     "hello": startup_ns = power on -> ready line, from the store; then the
#     same measured by a shell loop with sysfs, stty and head alone (no
#     rig code) as the independent figure.
#
#   flock /tmp/rig-heavy.lock bench/usb_agent.sh [BUILD_DIR] [ROUNDS] [MIB] [COLD_N]
#
# BUILD_DIR defaults to build/dev (configured and built). Prints a report;
# docs/benchmarks.md has the numbers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
if [ "${1:-}" = --inside ]; then
  shift
  bin=$1 rounds=$2 mib=$3 cold=$4
  echo "== agent upload over usb-bulk vs plain libusb bulk loop"
  "$bin/tests/usb/usbbench_agent" --rounds "$rounds" --mib "$mib"
  bash "$src/tests/usb/bed/gadget-reset.sh"

  echo "== cold start through hub power (rig bench, workload hello, $cold samples)"
  d=/tmp/coldstart
  rm -rf $d; mkdir -p $d
  "$bin/tests/usb/usbmodel_rp2040" --dir $d --flash-out $d/flash.bin --start app >$d/model.log 2>&1 &
  model=$!
  for _ in $(seq 50); do grep -q '^ready' $d/model.log 2>/dev/null && break; sleep 0.1; done
  for _ in $(seq 50); do [ -e /sys/bus/usb/devices/1-1 ] && break; sleep 0.1; done
  cat >$d/toolchains.yaml <<Y
toolchains:
  model-fw:
    lang: c
    version: [echo, "TinyGo 0.33 pico hello (tests/fuzz/corpus/uf2)"]
    build: [cp, "$src/tests/fuzz/corpus/uf2/tinygo-pico-hello.elf", "{out}"]
    targets: {none/thumb/rp2040: {}}
profiles:
  model-fw: {toolchain: model-fw}
Y
  cat >$d/pico-hub.yaml <<Y
name: pico-hub-model
kind: parts
description: RP2040 model on dummy_hcd, hub-port power (emulated)
emulated: true
target: {os: none, arch: thumb, variant: rp2040}
samples: $cold
warmup: 0
ready_timeout: 5s
power: {kind: usb-hub-port, hub: usb1, port: 1, method: sysfs, off: 100ms, wait: 5s}
link: {kind: serial, port: "usb:2e8a:000a@1-1"}
runner: {kind: mcu}
Y
  "$bin/host/rig" --db $d/rig.db --state-dir $d/state --toolchains-file $d/toolchains.yaml \
    bench -b $d/pico-hub.yaml -t model-fw -w hello -q
  echo "rig's startup_ns (power on -> ready line), ms:"
  sqlite3 $d/rig.db "select printf('%.1f', value / 1e6) from metrics where name = 'startup_ns'" | tr '\n' ' '
  echo
  sqlite3 $d/rig.db "select printf('rig: n %d  min %.1f  mean %.1f  max %.1f ms', count(*), min(value)/1e6, avg(value)/1e6, max(value)/1e6) from metrics where name = 'startup_ns'"
  # the same with shell tools only: power off, power on (t0), the tty, its first line (t1)
  dis=/sys/bus/usb/devices/1-0:1.0/usb1-port1/disable
  ms=()
  for _ in $(seq "$cold"); do
    echo 1 >$dis; sleep 0.1
    while [ -e /sys/bus/usb/devices/1-1 ]; do sleep 0.01; done
    t0=$(date +%s%N); echo 0 >$dis
    while [ ! -e /dev/ttyACM0 ]; do sleep 0.005; done
    # one open for the whole read: the ready line waits in the gadget until
    # the host opens the tty, and a tty closed after that (stty -F, then
    # head, each opening it anew) drops what it had received
    until exec 3<>/dev/ttyACM0; do sleep 0.005; done 2>/dev/null
    stty -F /dev/ttyACM0 raw -echo 2>/dev/null || true
    line=$(timeout 5 head -n1 <&3 || true)
    t1=$(date +%s%N)
    exec 3<&-
    case $line in *"@rig ready"*) ms+=("$(( (t1 - t0) / 100000 ))") ;; *) echo "shell: no ready line ($line)" ;; esac
  done
  printf '%s\n' "${ms[@]}" | awk '{v=$1/10; s+=v; if(NR==1||v<mn)mn=v; if(v>mx)mx=v} END {printf "shell: n %d  min %.1f  mean %.1f  max %.1f ms\n", NR, mn, s/NR, mx}'
  kill $model; wait $model 2>/dev/null || true
  bash "$src/tests/usb/bed/gadget-reset.sh"
  exit 0
fi
build=$(cd "${1:-$src/build/dev}" && pwd)
rounds=${2:-5}
mib=${3:-8}
cold=${4:-10}
for f in tests/usb/usbbench_agent tests/usb/usbmodel_bulksink tests/usb/usbmodel_rp2040 host/rig firmware/agent/rig-agent; do
  [ -x "$build/$f" ] || { echo "usb_agent.sh: $build/$f missing (cmake --build $build)" >&2; exit 1; }
done
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "bed: qemu-system-x86_64 TCG, 1 vCPU, dummy_hcd.num=2"
RIG_SOURCE_DIR=$src RIG_BINARY_DIR=$build \
  "$src/tests/usb/bed/run.sh" --timeout 900 --kopt dummy_hcd.num=2 -- \
  bash "$src/bench/usb_agent.sh" --inside "$build" "$rounds" "$mib" "$cold"
