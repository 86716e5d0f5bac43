#!/usr/bin/env bash
# The http workload under load on the emulated Pi (qemu-rpi-arm64: TCG
# Cortex-A53, rig-agent in the guest), by compiler: gc, gccgo and C, one
# VM boot for all rows (rig bench keeps the board up across its samples).
# The generator runs on the controller against QEMU's forwarded port; all
# rows are emulated (docs/load.md "Where the server runs").
#
#   bench/load_pi.sh [RIG] [SAMPLES] [SPEC]
set -euo pipefail
cd "$(dirname "$0")/.."
RIG=${1:-build/rel/host/rig}
N=${2:-3}
SPEC=${3:-closed:c=8,t=1,d=5s,w=1s}
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(uname -r), $(date -u '+%F %H:%M') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: rig bench --workloads http --toolchains gc,gccgo,c --boards qemu-rpi-arm64 -n $N --load $SPEC (emulated)"
/usr/bin/time -f 'wall %e s' "$RIG" --state-dir "$state" bench --workloads http --toolchains gc,gccgo,c \
	--boards qemu-rpi-arm64 -n "$N" --load "$SPEC"
