#!/usr/bin/env bash
# Serial against parallel `rig bench` over N rig-agent boards in network
# namespaces (tests/farm/netns.sh), interleaved: serial, parallel, serial,
# parallel... so that drift of the machine hits both alike. Wall time W by
# date +%s%N around the command and, independently, by /usr/bin/time, which
# also gives rig's own CPU time (user + sys of the rig process: the agents
# and their workloads are other processes). From the store, per run: the
# samples and the sum of their programs' wall_ns (the measured run time).
#
# Overhead, as docs/farm.md ("Scheduling overhead") defines it:
#   board time   = B x W, B the boards busy at once (1 serial, N parallel)
#   overhead     = (B x W - sum of wall_ns) / (B x W): the share of board
#                  time in which no measured program ran (sessions, leases,
#                  agent round trips, parsing, storing, waiting for a CPU);
#                  also given per sample, (B x W - sum wall_ns) / samples
#   rig CPU      = (user + sys of rig) / sum of wall_ns: rig's own work
#                  against the measured run time
#   around       = mean rig_overhead_ns (request to parsed figures minus
#                  the program's wall_ns), as in docs/benchmarks.md before
#
#   sudo bench/farm_bench.sh BUILD_DIR [N=64] [ROUNDS=3]
#   FARM_WORKLOADS (hello,cpu), FARM_CPU_ITERS (300), FARM_SAMPLES (5),
#   FARM_MODES ("serial parallel")
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: farm_bench.sh BUILD_DIR [N] [ROUNDS]}" && pwd)
N=${2:-64}
ROUNDS=${3:-3}
RIG=$build/host/rig
AGENT=$build/firmware/agent/rig-agent
export FARM_SAMPLES=${FARM_SAMPLES:-5} FARM_CPU_ITERS=${FARM_CPU_ITERS:-300}
WL=${FARM_WORKLOADS:-hello,cpu}
MODES=${FARM_MODES:-serial parallel}
# the health check (tests/farm/netns.sh) would add to both sides alike
export FARM_HEALTH=${FARM_HEALTH:-0}
. "$root/tests/farm/netns.sh"
why=$(farm_ns_ok) || { echo "farm_bench: $why" >&2; exit 1; }
tmp=$(mktemp -d /tmp/rig-farm-bench.XXXXXX)
trap 'farm_down "$tmp"; rm -rf "$tmp"' EXIT
farm_up "$N" "$tmp"
rig() { "$RIG" --db "$tmp/rig.db" --state-dir "$tmp/state" --boards-dir "$tmp/boards" "$@"; }
rig build --boards site:netns -t c -w "$WL" >/dev/null 2>&1

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1 /proc/loadavg)"
echo "boards: $N rig-agent x86_64 in network namespaces; cells: c $WL (cpu: $FARM_CPU_ITERS iterations); $FARM_SAMPLES samples each"
echo
echo "| round | mode | wall (date) | wall (/usr/bin/time) | samples | samples/s | program wall_ns mean | overhead (board time) | per sample | rig CPU | rig CPU / program time | around mean |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for r in $(seq 1 "$ROUNDS"); do
  for mode in $MODES; do
    flag=; B=$N
    [ "$mode" = serial ] && flag=--serial B=1
    since=$(sqlite3 "$tmp/rig.db" "select coalesce(max(id), 0) from samples" 2>/dev/null || echo 0)
    t0=$(date +%s%N)
    /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$RIG" --db "$tmp/rig.db" --state-dir "$tmp/state" \
      --boards-dir "$tmp/boards" bench --boards site:netns -t c -w "$WL" --no-resume -q $flag \
      >/dev/null 2>"$tmp/log"
    ns=$(( $(date +%s%N) - t0 ))
    n=$(grep -o '[0-9]* samples (' "$tmp/log" | grep -o '^[0-9]*')
    q=$(sqlite3 -separator ' ' "$tmp/rig.db" "select coalesce(sum(case when m.name = 'wall_ns' then m.value end), 0), coalesce(avg(case when m.name = 'rig_overhead_ns' then m.value end), 0) from metrics m join samples s on s.id = m.sample_id where s.id > $since")
    awk -v r="$r" -v m="$mode" -v ns="$ns" -v t="$(cat "$tmp/time")" -v n="$n" -v B="$B" -v q="$q" \
      'BEGIN { split(t, tt, " "); split(q, qq, " "); sw = qq[1]; bt = B * ns; cpu = tt[2] + tt[3];
               printf "| %d | %s | %.2f s | %s s | %d | %.0f | %.2f ms | %.2f%% | %.2f ms | %.2f s | %.2f%% | %.2f ms |\n",
                 r, m, ns / 1e9, tt[1], n, n / (ns / 1e9), sw / n / 1e6, 100 * (bt - sw) / bt,
                 (bt - sw) / n / 1e6, cpu, 100 * cpu * 1e9 / sw, qq[2] / 1e6 }'
  done
done
