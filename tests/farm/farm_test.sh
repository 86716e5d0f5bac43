#!/usr/bin/env bash
# ctest farm/netns (label farm, RUN_SERIAL): RIG_FARM_BOARDS (default 64)
# rig-agent boards, each in its own network namespace with its own veth
# address, and the emulated LM3S6965 MCU, driven by one parallel `rig bench`:
#   1. every board gives its samples; every lease is taken and released,
#      and `rig farm status` shows no board held afterwards;
#   2. two benches at once over the same boards never share one (each
#      board's farm log alternates take/release, tokens only grow);
#   3. an agent killed with SIGKILL mid-bench is an infrastructure error,
#      its samples are taken by another board of its model into the same
#      runs (every run complete, no sample twice), logged as retry;
#   4. rig farm release --force frees a board and is logged; 4b. a sample
#      that timed out on a hung board (SIGSTOP) is finished by another board
#      of its model and charged as an infrastructure error, one that times
#      out on both is the workload's (a failed sample);
#   5. boards made to drift (rig-agent --facts-root: one reports its SoC at
#      95 C, one another clock governor; a third's health workload costs
#      20x its history) fail their health check and go to
#      quarantine with the evidence (farm status, health_checks, farm log),
#      the others take their cells; 6. a passing check frees a board;
#   7. rig bench --ab: four boards of one model share a cell's samples, each
#      sample keeps its board, rig results shows per-board medians and spread;
#      7b. a sample that timed out on one of them is finished by another.
#   8.-11. the same boards through the PostgreSQL queue with two rig worker
#      processes, PostgreSQL restarted and a worker hung then killed
#      mid-bench, a worker stopped by SIGTERM, PostgreSQL gone for good, an
#      agent killed mid-sample in a queue job (tests/farm/farm_pg.sh).
# Skipped (exit 77) with the reason when not root or without ip netns.
set -uo pipefail
build=$(cd "${1:?usage: farm_test.sh BUILD_DIR}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
RIG=$build/host/rig
AGENT=$build/firmware/agent/rig-agent
N=${RIG_FARM_BOARDS:-64}
. "$root/tests/farm/netns.sh"

why=$(farm_ns_ok) || { echo "[  SKIPPED ] farm/netns: $why"; exit 77; }
[ -x "$AGENT" ] || { echo "[  SKIPPED ] farm/netns: rig-agent not built ($AGENT)"; exit 77; }
command -v sqlite3 >/dev/null || { echo "[  SKIPPED ] farm/netns: no sqlite3 CLI"; exit 77; }

tmp=$(mktemp -d /tmp/rig-farm.XXXXXX)
chmod 755 "$tmp"
trap 'farm_down "$tmp"; rm -rf "$tmp"' EXIT
db=$tmp/rig.db
rig() { "$RIG" --db "$db" --state-dir "$tmp/state" --boards-dir "$tmp/boards" "$@"; }
q() { sqlite3 "$db" "$1"; }
fails=0
begun() { [ "$(q "select count(*) from runs where id > $since and board = '$1'")" -ge 1 ]; } # a run of board $1 since $since
check() { # check WHAT GOT WANT
  if [ "$2" = "$3" ]; then echo "ok   $1 ($2)"; else echo "FAIL $1: got '$2', want '$3'"; fails=$((fails + 1)); fi
}

t0=$(date +%s)
farm_up "$N" "$tmp"
echo "farm: $N agents up in $(( $(date +%s) - t0 )) s"

# --- 1. the whole farm in one bench: the agents and an emulated MCU
# (boards/qemu-lm3s6965evb.yaml, tagged site:local, so the later steps'
# site:netns leave it out), when QEMU and the Arm compiler are here
mcu=
if command -v qemu-system-arm >/dev/null && command -v arm-none-eabi-gcc >/dev/null; then
  cp "$root/boards/qemu-lm3s6965evb.yaml" "$tmp/boards/"
  mcu=qemu-lm3s6965evb
else
  echo "note: no emulated MCU in the farm bench (qemu-system-arm or arm-none-eabi-gcc missing)"
fi
t0=$(date +%s%N)
rig bench --boards "site:netns${mcu:+,$mcu}" -t c -w hello,cpu -q >"$tmp/bench1.out" 2>"$tmp/bench1.log"
check "bench over $N boards${mcu:+ and $mcu} exits 0" "$?" 0
echo "bench: $(( ($(date +%s%N) - t0) / 1000000 )) ms; $(grep -o '[0-9]* samples ([0-9]* failed).*' "$tmp/bench1.log")"
check "every agent board gave samples" \
  "$(q "select count(distinct r.board) from samples s join runs r on r.id = s.run_id where s.ok = 1 and r.board like 'agent-%'")" "$N"
check "every agent sample ok, 2 cells x ${FARM_SAMPLES:-3} per board" \
  "$(q "select count(*) from samples s join runs r on r.id = s.run_id where s.ok = 1 and r.board like 'agent-%'")" "$(( N * 2 * ${FARM_SAMPLES:-3} ))"
if [ -n "$mcu" ]; then
  check "the emulated MCU gave its 2 cells x 5 samples, all ok" \
    "$(q "select count(*), sum(s.ok) from samples s join runs r on r.id = s.run_id where r.board = '$mcu'")" "10|10"
fi
nb=$N # boards in the bench
[ -n "$mcu" ] && nb=$((N + 1))
check "every sample written under a lease token" "$(q "select count(*) from samples where lease_token is null")" 0
check "one take per board" "$(q "select count(*) from farm_log where event = 'take'")" "$nb"
check "one release per board" "$(q "select count(*) from farm_log where event = 'release'")" "$nb"
check "no board held after the bench" "$(rig farm status -b "$(seq -s, -f 'agent-%g' 1 "$N")" | grep -c ' leased ')" 0
check "no infrastructure error" "$(grep -c 'infrastructure error:' "$tmp/bench1.log")" 0

# --- 2. two benches at once over the same 8 boards
eight=$(seq -s, -f 'agent-%g' 1 8)
rig bench --boards "$eight" -t c -w cpu --no-resume -q >/dev/null 2>"$tmp/b2a.log" &
a=$!
rig bench --boards "$eight" -t c -w cpu --no-resume -q >/dev/null 2>"$tmp/b2b.log" &
b=$!
wait $a; ra=$?
wait $b; rb=$?
check "two benches at once both exit 0" "$ra$rb" 00
check "no board's takes overlap (take, release alternate; tokens grow)" "$(q "
  select count(*) from farm_log l where event in ('take','takeover') and exists (
    select 1 from farm_log p where p.board = l.board and p.id < l.id
      and p.id = (select max(id) from farm_log x where x.board = l.board and x.id < l.id
                  and x.event in ('take','takeover','release','force-release'))
      and p.event in ('take','takeover'))")" 0
# --- 3. an agent killed mid-bench: infrastructure error, retried elsewhere
victim=5
rig bench --boards "$eight" -t c -w cpu -n 6 -i 20000 --no-resume -q >/dev/null 2>"$tmp/b3.log" &
b=$!
for _ in $(seq 600); do
  got=$(q "select count(*) from samples s join runs r on r.id = s.run_id where r.board = 'agent-$victim' and r.n_planned = 6")
  [ "${got:-0}" -ge 1 ] && break
  sleep 0.02
done
# the agent, its session and the workload: the board is gone
ip netns pids "${farm_prefix}n$victim" | xargs -r kill -9
wait $b
check "bench with a killed agent exits 1 (a board failed)" "$?" 1
grep -E 'infrastructure error|retried|samples' "$tmp/b3.log" | sed 's/^/    /' | head -5
check "the killed agent is one infrastructure error" \
  "$(grep -o '[0-9]* infrastructure errors' "$tmp/b3.log")" "1 infrastructure errors"
check "its samples were retried on another board (farm log)" \
  "$(q "select count(*) from farm_log where event = 'retry' and detail like '%on agent-$victim)%' and board <> 'agent-$victim'")" 1
check "its run is complete: 6 samples, none twice" \
  "$(q "select count(*), count(distinct s.idx) from samples s join runs r on r.id = s.run_id where r.board = 'agent-$victim' and r.n_planned = 6")" "6|6"
check "every run of that bench complete" \
  "$(q "select count(*) from runs r where n_planned = 6 and (select count(*) from samples s where s.run_id = r.id and s.ok = 1) <> 6")" 0
check "the killed board's failure is recorded" \
  "$(rig farm status -b agent-$victim | awk 'NR == 2 { print $5 }')" 1

check "farm status: the killed agent is offline (it does not answer)" \
  "$(rig farm status -b agent-$victim | awk 'NR == 2 { print $2 }')" offline

# --- 4. a human's release
rig farm release --force agent-$victim >/dev/null 2>&1
check "release --force is logged" "$(rig farm log --board agent-$victim --last 1 | grep -c force-release)" 1
check "and the failure count is back to 0" "$(rig farm status -b agent-$victim | awk 'NR == 2 { print $5 }')" 0

# --- 4b. a sample that timed out. On agent-9 its workload is stopped
# (SIGSTOP, a hung board) mid-sample: the agent kills it at the timeout, the
# sample is not stored, agent-10 (same model) takes it and the rest of the
# cell and finishes it, so agent-9 is charged one infrastructure error.
# Then a workload that times out everywhere: each cell's first timeout is
# tried on the other board, times out there too and is stored failed as the
# workload's, with no infrastructure error.
if [ "$N" -ge 10 ]; then
  since=$(q "select coalesce(max(id), 0) from runs") fl=$(q "select coalesce(max(id), 0) from farm_log")
  rig bench --boards agent-9,agent-10 -t c -w cpu -n 3 -i 20000 --timeout 4s --no-resume -q \
    >/dev/null 2>"$tmp/b4b.log" &
  b=$!
  farm_stop_workload 9 begun agent-9 # after its health check: once its run is begun
  wait $b
  check "a sample stopped on agent-9: the bench exits 0" "$?" 0
  grep -E 'timed out|infrastructure error' "$tmp/b4b.log" | sed 's/^/    /' | head -3
  check "the stopped sample is one infrastructure error" \
    "$(grep -o '[0-9]* infrastructure errors' "$tmp/b4b.log")" "1 infrastructure errors"
  check "farm log: agent-9's timeout, then its infra charge once agent-10 finished the sample" \
    "$(q "select group_concat(event, ',') from (select event from farm_log where id > $fl and board = 'agent-9' and event in ('timeout', 'infra') order by id)")" "timeout,infra"
  check "the charge names both boards" \
    "$(q "select count(*) from farm_log where id > $fl and board = 'agent-9' and event = 'infra' and detail like '%timed out on agent-9 and took % ms on agent-10%'")" 1
  check "agent-9's run complete: 3 samples ok, none twice, some taken by agent-10" \
    "$(q "select count(*), count(distinct s.idx), sum(s.ok), max(s.board = 'agent-10') from samples s join runs r on r.id = s.run_id where r.id > $since and r.board = 'agent-9'")" "3|3|3|1"
  check "no failed sample" "$(q "select count(*) from samples where run_id > $since and ok = 0")" 0

  since=$(q "select coalesce(max(id), 0) from runs") fl=$(q "select coalesce(max(id), 0) from farm_log")
  rig bench --boards agent-9,agent-10 -t c -w cpu -n 2 -i 2000000000 --timeout 300ms --no-resume -q \
    >/dev/null 2>"$tmp/b4c.log"
  check "a workload that times out everywhere: the bench exits 0" "$?" 0
  check "no infrastructure error" "$(grep -o '[0-9]* infrastructure errors' "$tmp/b4c.log")" "0 infrastructure errors"
  check "each cell's first timeout tried once elsewhere (farm log timeout)" \
    "$(q "select count(*) from farm_log where id > $fl and event = 'timeout'")" 2
  check "every sample stored failed, none twice, the retried ones as the workload's" \
    "$(q "select count(*), count(distinct s.run_id || ':' || s.idx), sum(s.ok), sum(s.fail_reason like '%timed out%here and on agent-%: the workload''s%') from samples s where s.run_id > $since")" "4|4|0|2"
  rig farm release --force agent-9 >/dev/null 2>&1
else
  echo "note: part 4b (timeouts) needs 10 boards, RIG_FARM_BOARDS=$N"
fi

check "every board passed its health check in the first bench" \
  "$(q "select count(distinct board) from health_checks where pass = 1")" "$N"

# --- 5. boards made to drift: agent-3 reports its SoC at 95 C (limit
# hot_c 80) and agent-4 another clock governor than at its earlier checks
# (rig-agent --facts-root); agent-6's health workload costs it 20 times
# the CPU time of its earlier checks (its board file's health iterations,
# as a board slowed down would). All three go to quarantine with the
# evidence at their health check; the others carry on and take their cells.
t_sec=$(date +%s%N)
seven=agent-1,agent-2,agent-3,agent-4,agent-6,agent-7,agent-8
mkdir -p "$tmp/facts/3/sys/class/thermal/thermal_zone0" "$tmp/facts/4/sys/devices/system/cpu/cpu0/cpufreq"
echo 95000 >"$tmp/facts/3/sys/class/thermal/thermal_zone0/temp"
echo powersave >"$tmp/facts/4/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"
cp "$tmp/boards/agent-6.yaml" "$tmp/agent-6.yaml.orig"
sed -i "s/iterations: ${FARM_HEALTH_ITERS:-500},/iterations: $(( ${FARM_HEALTH_ITERS:-500} * 20 )),/" "$tmp/boards/agent-6.yaml"
since=$(q "select coalesce(max(id), 0) from runs") t5=$(date +%s%3N)
rig bench --boards "$seven" -t c -w cpu -n 4 --no-resume -q >/dev/null 2>"$tmp/b5.log"
check "bench with three drifting boards exits 0 (their cells taken by the others)" "$?" 0
grep -E 'health check fail|quarantined by' "$tmp/b5.log" | sed 's/^/    /' | head -3
check "the summary counts 3 boards quarantined" \
  "$(grep -o '[0-9]* boards quarantined' "$tmp/b5.log")" "3 boards quarantined"
status3=$(rig farm status -b agent-3 | awk 'NR == 2')
check "farm status: agent-3 quarantined" "$(echo "$status3" | awk '{ print $2 }')" quarantined
check "farm status shows why and the evidence (95 C)" \
  "$(echo "$status3" | grep -c 'temperature at or above.*soc_temp_c=95.0')" 1
check "farm status: agent-4 quarantined for its governor" \
  "$(rig farm status -b agent-4 | grep -c 'quarantined.*governor changed.*governor=powersave')" 1
check "farm status: agent-6 quarantined for drift, figure and band as evidence" \
  "$(rig farm status -b agent-6 | grep -c 'quarantined.*performance drift: the health figure is above its band (cpu_ns median .* ms of 2 samples, band .* ms (reference .* from [0-9]* passing checks')" 1
check "the failed checks are stored with their facts" \
  "$(q "select group_concat(board || ':' || temp_c || ':' || governor, ' ') from (select * from health_checks where pass = 0 and board <> 'agent-6' order by board)")" \
  "agent-3:95.0:none (no cpufreq) agent-4::powersave"
check "the quarantines are in the farm log with the evidence" \
  "$(q "select count(*) from farm_log where event = 'quarantine' and (detail like '%soc_temp_c=95.0%' or detail like '%governor=powersave%' or detail like '%above its band%')")" 3
check "no sample of this bench was taken on a quarantined board" \
  "$(q "select count(*) from samples s join runs r on r.id = s.run_id where r.id > $since and s.board in ('agent-3', 'agent-4', 'agent-6')")" 0
check "the others carry on: every run complete (7 x 4 samples), none twice" \
  "$(q "select count(*), count(distinct s.run_id || ':' || s.idx) from samples s join runs r on r.id = s.run_id where r.id > $since and s.ok = 1")" "28|28"
check "the other 4 passed their health checks" \
  "$(q "select count(distinct board) from health_checks where pass = 1 and metric <> 'reset' and at_ms >= $t5")" 4

# --- 6. agent-3 cools down: its next health check passes and frees it;
# agent-4 is released by a human
rm "$tmp/facts/3/sys/class/thermal/thermal_zone0/temp"
rig bench --boards agent-3 -t c -w cpu -n 2 --no-resume -q >/dev/null 2>"$tmp/b6.log"
check "a passing health check frees agent-3 (logged)" \
  "$(rig farm status -b agent-3 | awk 'NR == 2 { print $2 }'):$(q "select count(*) from farm_log where board = 'agent-3' and event = 'unquarantine'")" "idle:1"
check "and agent-3 took its own samples again" \
  "$(q "select count(*) from samples s join runs r on r.id = s.run_id where r.id > $since and s.board = 'agent-3'")" 2
rig farm release --force agent-4 >/dev/null 2>&1
check "release --force frees agent-4" "$(rig farm status -b agent-4 | awk 'NR == 2 { print $2 }')" idle
cp "$tmp/agent-6.yaml.orig" "$tmp/boards/agent-6.yaml"
rig farm release --force agent-6 >/dev/null 2>&1
echo "drift, recovery: $(( ($(date +%s%N) - t_sec) / 1000000 )) ms"

t_sec=$(date +%s%N)
# --- 7. A/B across identical boards: four boards of one model share each
# cell's samples; each sample keeps its board; results show the spread
since=$(q "select coalesce(max(id), 0) from runs")
rig bench --ab --boards agent-1,agent-2,agent-6,agent-7 -t c -w cpu -n 12 --no-resume -q \
  >/dev/null 2>"$tmp/b7.log"
check "--ab bench exits 0" "$?" 0
check "one run for the model, 12 samples, none twice" \
  "$(q "select count(distinct r.id), r.board, count(*), count(distinct s.idx) from samples s join runs r on r.id = s.run_id where r.id > $since")" \
  "1|model:x86-agent|12|12"
check "its samples were taken by all four boards" \
  "$(q "select count(distinct s.board) from samples s where s.run_id > $since")" 4
rig results -w cpu >"$tmp/b7.results" 2>&1
check "rig results shows each board's median and the spread" \
  "$(awk -F'\t' '$1 == "model:x86-agent" && $2 == "cpu" && NF == 7 { n++; if ($4 == "spread") sp++ }
                 END { print n + 0 ":" sp + 0 }' "$tmp/b7.results")" "5:1"
check "rig results --format json keeps each board's n and median (sample_boards)" \
  "$(rig results -w cpu --format json 2>/dev/null | grep '"board":"model:x86-agent","workload":"cpu"' |
     grep -o '{"board":"agent-[0-9]*","n":3,' | wc -l)" 4
echo "A/B: $(( ($(date +%s%N) - t_sec) / 1000000 )) ms"

# --- 7b. a sample that timed out in an A/B cell: agent-9's workload is
# stopped mid-sample; the index goes back to the cell, agent-10 takes it
# and finishes it, agent-9 is charged and the run is complete
if [ "$N" -ge 10 ]; then
  since=$(q "select coalesce(max(id), 0) from runs") fl=$(q "select coalesce(max(id), 0) from farm_log")
  rig bench --ab --boards agent-9,agent-10 -t c -w cpu -n 4 -i 20000 --timeout 4s --no-resume -q \
    >/dev/null 2>"$tmp/b7b.log" &
  b=$!
  farm_stop_workload 9 begun model:x86-agent # after the health checks
  wait $b
  check "--ab with a sample stopped on agent-9 exits 0" "$?" 0
  check "it is one infrastructure error" \
    "$(grep -o '[0-9]* infrastructure errors' "$tmp/b7b.log")" "1 infrastructure errors"
  check "farm log: agent-9's timeout, then its charge once agent-10 finished the index" \
    "$(q "select group_concat(event, ',') from (select event from farm_log where id > $fl and board = 'agent-9' and event in ('timeout', 'infra') order by id)"):$(q "select count(*) from farm_log where id > $fl and board = 'agent-9' and event = 'infra' and detail like '%timed out on agent-9 and took % ms on agent-10%'")" "timeout,infra:1"
  check "the shared run complete: 4 samples ok, none twice, both boards" \
    "$(q "select count(*), count(distinct s.idx), sum(s.ok), count(distinct s.board) from samples s join runs r on r.id = s.run_id where r.id > $since")" "4|4|4|2"
  rig farm release --force agent-9 >/dev/null 2>&1
fi

# --- 8-11. two hosts on one PostgreSQL
. "$root/tests/farm/farm_pg.sh"

[ "$fails" = 0 ] || { echo "farm/netns: $fails checks failed (logs in $tmp kept)"; trap 'farm_down "$tmp"' EXIT; exit 1; }
echo "farm/netns: all checks passed"
