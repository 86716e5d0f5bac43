#!/bin/sh
# Serial-path benchmark: reset-to-ready latency, ping round trip and burst
# throughput through rig's console path (qemu.c, transport_fd.c,
# serial_lines.c) for each QEMU machine, console (socket, pty) and icount
# setting. Not a test: numbers go to docs/benchmarks.md by hand.
#
# usage: bench/serial_path.sh [BUILD_DIR] [ROUNDS] [BURST_BYTES]
#   BUILD_DIR   a configured rig build (default: build); librigcore.a is used
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
rounds=${2:-30}
burst=${3:-200000}
tmp=$(mktemp -d /tmp/rig-serial-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for t in qemu-system-arm arm-none-eabi-gcc cc make; do
	command -v "$t" >/dev/null || { echo "serial_path: $t is not installed" >&2; exit 77; }
done
cmake --build "$build" -j1 --target rigcore >/dev/null
# The sanitizer flags of a test build must reach the link as well.
flags=$(sed -n 's/^C_FLAGS = //p' "$build/host/CMakeFiles/rigcore.dir/flags.make" | tr -d '\n')
cc -std=c11 -D_GNU_SOURCE $flags $(find "$root/host/src" -name "*.h" -printf "-I%h\n" | sort -u) -I"$root/firmware/protocol" \
	"$root/bench/serial_path.c" "$build/host/librigcore.a" "$build/firmware/librig_protocol.a" \
	$(pkg-config --libs libsodium libserialport) -o "$tmp/serial_path"

echo "# serial_path: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "# $(qemu-system-arm --version | head -1); rounds=$rounds burst=$burst bytes"
for m in ${MACHINES:-lm3s6965evb mps2-an385}; do
	make -s -C "$root/firmware/mcu" MACHINE=$m OUT="$tmp/$m.elf"
	for console in ${CONSOLES:-socket pty}; do
		for ic in ${ICOUNT:-icount noicount}; do
			echo "## $m console=$console $ic"
			ASAN_OPTIONS=detect_leaks=0 "$tmp/serial_path" $m "$tmp/$m.elf" $console $ic "$rounds" "$burst"
		done
	done
done
