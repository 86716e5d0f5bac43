#!/usr/bin/env bash
# The farm on PostgreSQL against SQLite, and the job queue, over N rig-agent
# boards in network namespaces (tests/farm/netns.sh) and a PostgreSQL 15
# started here (tests/farm/pg.sh; PG_FSYNC=on by default here, as a farm
# controller runs it).
#
# 1. One parallel `rig bench --boards site:netns` per store, interleaved
#    (sqlite, pg, sqlite, pg...): wall time by date +%s%N and by
#    /usr/bin/time, samples/s, and rig's own time per sample from the
#    bench's summary line (around the program; storing it) against the
#    programs' mean wall_ns read from the store (sqlite3 / psql): the
#    scheduling overhead is (around + storing) / (wall_ns + around + storing).
# 2. The queue: `rig submit` of one job per board (c cpu, SAMPLES samples)
#    and two `rig worker --exit-when-idle` processes (rack:a and rack:b, each
#    the other's standby): jobs/s by the wall time of the two workers, and
#    cross-checked by the jobs table (first started_ms to last finished_ms).
#
#   sudo bench/farm_queue_bench.sh BUILD_DIR [N=64] [ROUNDS=3]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: farm_queue_bench.sh BUILD_DIR [N] [ROUNDS]}" && pwd)
N=${2:-64}
ROUNDS=${3:-3}
RIG=$build/host/rig
AGENT=$build/firmware/agent/rig-agent
export FARM_SAMPLES=${FARM_SAMPLES:-5} FARM_CPU_ITERS=${FARM_CPU_ITERS:-300} FARM_HEALTH=0
export PG_FSYNC=${PG_FSYNC:-on}
. "$root/tests/farm/netns.sh"
. "$root/tests/farm/pg.sh"
why=$(farm_ns_ok) || { echo "farm_queue_bench: $why" >&2; exit 1; }
why=$(pg_ok) || { echo "farm_queue_bench: $why" >&2; exit 1; }
tmp=$(mktemp -d /tmp/rig-farmq-bench.XXXXXX)
chmod 755 "$tmp"
trap 'pg_down "$tmp/pg"; farm_down "$tmp"; rm -rf "$tmp"' EXIT
farm_up "$N" "$tmp"
pg_up "$tmp/pg"
url=$pg_url
sq=$tmp/rig.db
rig() { "$RIG" --state-dir "$tmp/state" --boards-dir "$tmp/boards" "$@"; }
rig --db "$sq" build --boards site:netns -t c -w hello,cpu >/dev/null 2>&1
rig --db "$url" db migrate >/dev/null

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "$("$pg_bin/postgres" --version), fsync=$PG_FSYNC; SQLite $(sqlite3 --version | cut -d' ' -f1)"
echo "boards: $N rig-agent x86_64 in network namespaces; cells c hello, c cpu ($FARM_CPU_ITERS iterations), $FARM_SAMPLES samples each"
echo
echo "| round | store | wall (date) | wall (/usr/bin/time) | samples | samples/s | program wall_ns mean | rig around | rig storing | overhead |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for r in $(seq 1 "$ROUNDS"); do
  for st in sqlite pg; do
    db=$sq; [ $st = pg ] && db=$url
    since=$( [ $st = pg ] && "$pg_bin/psql" "$url" -Atc "select coalesce(max(id), 0) from samples" || sqlite3 "$sq" "select coalesce(max(id), 0) from samples")
    t0=$(date +%s%N)
    /usr/bin/time -f %e -o "$tmp/time" "$RIG" --db "$db" --state-dir "$tmp/state" --boards-dir "$tmp/boards" \
      bench --boards site:netns -t c -w hello,cpu --no-resume -q >/dev/null 2>"$tmp/log"
    ns=$(( $(date +%s%N) - t0 ))
    n=$(grep -o '[0-9]* samples (' "$tmp/log" | grep -o '^[0-9]*')
    own=$(grep -o "per stored sample: [0-9.]* ms around the program, [0-9.]* ms storing" "$tmp/log" | grep -o '[0-9.]* ms' | tr -d ' ms' | paste -sd' ')
    sql="select avg(m.value) from metrics m join samples s on s.id = m.sample_id where m.name = 'wall_ns' and s.id > $since"
    wall=$( [ $st = pg ] && "$pg_bin/psql" "$url" -Atc "$sql" || sqlite3 "$sq" "$sql")
    awk -v r="$r" -v st="$st" -v ns="$ns" -v t="$(cat "$tmp/time")" -v n="$n" -v own="$own" -v wall="$wall" \
      'BEGIN { split(own, o, " "); w = wall / 1e6;
               printf "| %d | %s | %.2f s | %s s | %d | %.0f | %.2f ms | %.3f ms | %.3f ms | %.1f%% |\n",
                 r, st, ns / 1e9, t, n, n / (ns / 1e9), w, o[1], o[2], 100 * (o[1] + o[2]) / (w + o[1] + o[2]) }'
  done
done

echo
if [ "$N" -lt 2 ]; then
  # the two workers own half the boards each (rack:a, rack:b): one board
  # leaves rack:b empty, and a worker whose --boards select nothing refuses
  echo "queue skipped: two workers need at least 2 boards (N=$N)"
  exit 0
fi
echo "queue: $N jobs (one per board: c cpu, $FARM_SAMPLES samples), two workers"
echo
echo "| round | jobs | wall (date) | wall (/usr/bin/time, slower worker) | jobs/s | jobs table span | jobs/s (table) |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for r in $(seq 1 "$ROUNDS"); do
  j0=$("$pg_bin/psql" "$url" -Atc "select coalesce(max(id), 0) from jobs")
  rig --db "$url" submit --boards site:netns -- -t c -w cpu --no-resume -q >/dev/null
  t0=$(date +%s%N) pids=
  for w in a b; do
    o=b; [ $w = b ] && o=a
    /usr/bin/time -f %e -o "$tmp/time.$w" "$RIG" --db "$url" --state-dir "$tmp/state" --boards-dir "$tmp/boards" \
      worker --name "host-$w" --boards "rack:$w" --standby "rack:$o" --poll 100ms --exit-when-idle \
      >"$tmp/w$w.log" 2>&1 &
    pids="$pids $!"
  done
  wait $pids
  ns=$(( $(date +%s%N) - t0 ))
  done_=$("$pg_bin/psql" "$url" -Atc "select count(*) from jobs where id > $j0 and state = 'done'")
  span=$("$pg_bin/psql" "$url" -Atc "select max(finished_ms) - min(started_ms) from jobs where id > $j0")
  slow=$(sort -n "$tmp/time.a" "$tmp/time.b" | tail -1)
  awk -v r="$r" -v n="$done_" -v ns="$ns" -v t="$slow" -v span="$span" \
    'BEGIN { printf "| %d | %d | %.2f s | %s s | %.1f | %.2f s | %.1f |\n", r, n, ns / 1e9, t, n / (ns / 1e9), span / 1e3, n / (span / 1e3) }'
done
