#!/usr/bin/env bash
# Serial against parallel `rig bench` over N rig-agent boards in network
# namespaces (tests/farm/netns.sh), interleaved: serial, parallel, serial,
# parallel... so that drift of the machine hits both alike. Wall time by
# date +%s%N around the command and, independently, by /usr/bin/time;
# samples per second; rig's overhead per sample from the store (wall time
# the bench spent per board minus the workloads' own wall_ns).
#
#   sudo bench/farm_bench.sh BUILD_DIR [N=64] [ROUNDS=3]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: farm_bench.sh BUILD_DIR [N] [ROUNDS]}" && pwd)
N=${2:-64}
ROUNDS=${3:-3}
RIG=$build/host/rig
AGENT=$build/firmware/agent/rig-agent
export FARM_SAMPLES=5 FARM_CPU_ITERS=${FARM_CPU_ITERS:-300}
# the health check (tests/farm/netns.sh) would add to both sides alike
export FARM_HEALTH=${FARM_HEALTH:-0}
. "$root/tests/farm/netns.sh"
why=$(farm_ns_ok) || { echo "farm_bench: $why" >&2; exit 1; }
tmp=$(mktemp -d /tmp/rig-farm-bench.XXXXXX)
trap 'farm_down "$tmp"; rm -rf "$tmp"' EXIT
farm_up "$N" "$tmp"
rig() { "$RIG" --db "$tmp/rig.db" --state-dir "$tmp/state" --boards-dir "$tmp/boards" "$@"; }
rig build --boards site:netns -t c -w hello,cpu >/dev/null 2>&1

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"
echo "boards: $N rig-agent x86_64 in network namespaces; cells: c hello, c cpu ($FARM_CPU_ITERS iterations); $FARM_SAMPLES samples each"
echo
echo "| round | mode | wall (date) | wall (/usr/bin/time) | samples | samples/s |"
echo "| --- | --- | --- | --- | --- | --- |"
for r in $(seq 1 "$ROUNDS"); do
  for mode in serial parallel; do
    flag=; [ $mode = serial ] && flag=--serial
    t0=$(date +%s%N)
    /usr/bin/time -f %e -o "$tmp/time" "$RIG" --db "$tmp/rig.db" --state-dir "$tmp/state" \
      --boards-dir "$tmp/boards" bench --boards site:netns -t c -w hello,cpu --no-resume -q $flag \
      >/dev/null 2>"$tmp/log"
    ns=$(( $(date +%s%N) - t0 ))
    n=$(grep -o '[0-9]* samples (' "$tmp/log" | grep -o '^[0-9]*')
    awk -v r="$r" -v m="$mode" -v ns="$ns" -v t="$(cat "$tmp/time")" -v n="$n" \
      'BEGIN { printf "| %d | %s | %.2f s | %s s | %d | %.0f |\n", r, m, ns / 1e9, t, n, n / (ns / 1e9) }'
  done
done
echo
# the measured programs' own time against what rig added around them
sqlite3 "$tmp/rig.db" "select 'workload wall_ns ' || (select cast(avg(value) as int) from metrics where name = 'wall_ns') || ' ns mean; rig_overhead_ns mean ' || (select cast(avg(value) as int) from metrics where name = 'rig_overhead_ns') || ' ns'"
