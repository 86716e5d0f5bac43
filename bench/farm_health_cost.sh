#!/usr/bin/env bash
# What the per-board health check costs a parallel `rig bench` over N
# rig-agent boards in network namespaces (tests/farm/netns.sh): the same
# bench with board files without `health:` and with the farm test's
# `health: {samples: 2, iterations: 500}`, interleaved (off, on, off, on...)
# so that drift of the machine hits both alike. Wall time by date +%s%N
# around the command and, independently, by /usr/bin/time; the health
# checks stored per bench and their median figure (cpu_ns) from the store.
#
#   sudo bench/farm_health_cost.sh BUILD_DIR [N=64] [ROUNDS=3]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: farm_health_cost.sh BUILD_DIR [N] [ROUNDS]}" && pwd)
N=${2:-64}
ROUNDS=${3:-3}
RIG=$build/host/rig
AGENT=$build/firmware/agent/rig-agent
export FARM_SAMPLES=3 FARM_CPU_ITERS=${FARM_CPU_ITERS:-300} FARM_HEALTH=1
. "$root/tests/farm/netns.sh"
why=$(farm_ns_ok) || { echo "farm_health_cost: $why" >&2; exit 1; }
tmp=$(mktemp -d /tmp/rig-farm-health.XXXXXX)
trap 'farm_down "$tmp"; rm -rf "$tmp"' EXIT
farm_up "$N" "$tmp"
# the same boards without their health check
mkdir -p "$tmp/boards-off"
cp "$tmp/boards/agent.key" "$tmp/boards-off/"
for f in "$tmp"/boards/agent-*.yaml; do grep -v '^health:' "$f" >"$tmp/boards-off/$(basename "$f")"; done
rig() { "$RIG" --db "$tmp/rig.db" --state-dir "$tmp/state" "$@"; }
rig --boards-dir "$tmp/boards" build --boards site:netns -t c -w hello,cpu >/dev/null 2>&1

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"
echo "boards: $N rig-agent x86_64 in network namespaces; cells: c hello, c cpu ($FARM_CPU_ITERS iterations); $FARM_SAMPLES samples each"
echo
echo "| round | health check | wall (date) | wall (/usr/bin/time) | checks stored |"
echo "| --- | --- | --- | --- | --- |"
for r in $(seq 1 "$ROUNDS"); do
  for mode in off on; do
    dir=$tmp/boards; [ $mode = off ] && dir=$tmp/boards-off
    before=$(sqlite3 "$tmp/rig.db" "select count(*) from health_checks" 2>/dev/null || echo 0)
    t0=$(date +%s%N)
    /usr/bin/time -f %e -o "$tmp/time" "$RIG" --db "$tmp/rig.db" --state-dir "$tmp/state" \
      --boards-dir "$dir" bench --boards site:netns -t c -w hello,cpu --no-resume -q \
      >/dev/null 2>"$tmp/log"
    ns=$(( $(date +%s%N) - t0 ))
    after=$(sqlite3 "$tmp/rig.db" "select count(*) from health_checks")
    awk -v r="$r" -v m="$mode" -v ns="$ns" -v t="$(cat "$tmp/time")" -v c="$((after - before))" \
      'BEGIN { printf "| %d | %s | %.2f s | %s s | %d |\n", r, m, ns / 1e9, t, c }'
  done
done
echo
sqlite3 "$tmp/rig.db" "select 'health checks: ' || count(*) || ', ' || sum(pass) || ' passed; cpu_ns median of a check ' || printf('%.2f', (select figure from health_checks order by figure limit 1 offset (select count(*) / 2 from health_checks)) / 1e6) || ' ms' from health_checks"
