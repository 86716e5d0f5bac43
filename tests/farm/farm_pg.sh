# The farm test's second half, sourced by tests/farm/farm_test.sh once its
# agents are up (RIG, tmp, N, check and fails are the caller's): the same N
# agent boards driven by two `rig worker` processes, "host-a" owning the
# boards tagged rack:a and "host-b" those tagged rack:b (each the other's
# standby), sharing one PostgreSQL server started here and stopped at the
# end (tests/farm/pg.sh). Faults, each checked for nothing lost and nothing
# counted twice:
#   8. every board's jobs through the queue, PostgreSQL restarted (fast
#      shutdown) mid-bench: every job done, every run complete, the samples
#      stored before the restart all kept;
#   9. host-a stopped (SIGSTOP: a hung host) while it holds a board's lease:
#      host-b takes its job after its heartbeat stops and the board after
#      the lease expires; host-a's bench, continued, has its next sample
#      refused by the fencing token; then host-a is killed with kill -9 and
#      host-b finishes its boards; the board's run keeps host-a's samples
#      and is completed by host-b's, none twice;
#  10. host-a stopped with SIGTERM mid-job: its bench stores what it
#      finished and releases its lease, the job is queued again (not
#      failed) and host-b resumes it: the run complete, none twice;
#  11. PostgreSQL stopped for good: a worker exits 75 after
#      --store-lost-after;
#  12. (run before 10) an agent killed with kill -9 mid-sample inside a
#      queue job: one infrastructure error, no failed sample; its bench
#      queues the rest as a job for another board of the model
#      (--retry-of), which completes the same run, none twice;
#  13. (run before 10) a sample that timed out in a queue job (its workload
#      stopped with SIGSTOP): not stored; the rest of the cell queued as a
#      job for another board (--retry-of, --timed-out-on) which finishes
#      it, so the first board is charged one infrastructure error.
. "$root/tests/farm/pg.sh"

farm_pg() {
  local why pgdir=$tmp/pg url pa pb ra rb t0 before maxid x tok bench run j0
  why=$(pg_ok) || { echo "[  SKIPPED ] farm/netns PostgreSQL half: $why"; return 0; }
  local t_pg=$(date +%s)
  pg_up "$pgdir" || { check "PostgreSQL server started" 1 0; return; }
  url=$pg_url
  trap 'pg_down "$tmp/pg"; farm_down "$tmp"; rm -rf "$tmp"' EXIT
  prig() { "$RIG" --db "$url" --state-dir "$tmp/state" --boards-dir "$tmp/boards" "$@"; }
  pq() { "$pg_bin/psql" "$url" -Atc "$1" 2>/dev/null; }
  prig db migrate >/dev/null 2>&1
  check "rig db migrate on the test's PostgreSQL" "$?" 0
  # in the background, rig itself ($! is the worker, its bench a child);
  # one left behind by a killed test gives up 20 s after its server is gone
  worker_bg() {
    "$RIG" --db "$url" --state-dir "$tmp/state" --boards-dir "$tmp/boards" worker --name "$1" \
      --boards "$2" --standby "$3" --heartbeat 500ms --dead-after 3s --poll 200ms --store-lost-after 20s "${@:5}" \
      >"$4" 2>&1 &
  }
  # the boards as they were: no faked facts, the agent part 3 killed back
  rm -rf "$tmp"/facts/*/sys
  farm_agent_start "$victim" "$tmp"
  farm_agent_wait "$victim"
  check "agent-$victim started again" "$?" 0

  # --- 8. two workers, PostgreSQL restarted mid-bench
  t0=$(date +%s%N)
  prig submit --boards site:netns -- -t c -w hello,cpu --lease-ttl 3s -q >/dev/null
  worker_bg host-a rack:a rack:b "$tmp/wa.log" --exit-when-idle
  pa=$!
  worker_bg host-b rack:b rack:a "$tmp/wb.log" --exit-when-idle
  pb=$!
  for _ in $(seq 600); do
    [ "$(pq "select count(*) from jobs where state = 'done'")" -ge $(( N / 4 )) ] 2>/dev/null && break
    sleep 0.05
  done
  # the samples stored when the server goes down, by id, in one snapshot
  maxid=$(pq "select coalesce(string_agg(id::text, ','), '0') || '|' || count(*) from samples")
  before=${maxid#*|} maxid=${maxid%|*}
  pg_restart "$pgdir"
  check "PostgreSQL restarted mid-bench (after $before samples)" "$?" 0
  wait $pa; ra=$?
  wait $pb; rb=$?
  echo "queue: $N jobs by two workers in $(( ($(date +%s%N) - t0) / 1000000 )) ms; host-a $(grep -c 'done (exit' "$tmp/wa.log") jobs, host-b $(grep -c 'done (exit' "$tmp/wb.log"), $(cat "$tmp/wa.log" "$tmp/wb.log" | grep -c ', standby)') taken on standby, $(cat "$tmp/wa.log" "$tmp/wb.log" | grep -c 'queued again') queued again"
  check "both workers exit 0" "$ra$rb" 00
  check "every job done once" "$(pq "select count(*), count(distinct board) from jobs where state = 'done'")" "$N|$N"
  check "no job failed or left" "$(pq "select count(*) from jobs where state <> 'done'")" 0
  check "each board's jobs run by its rack's worker or its standby" \
    "$(pq "select count(*) from jobs where worker not in ('host-a', 'host-b')")" 0
  check "the restart was seen (a store call failed and was tried again)" \
    "$(cat "$tmp/wa.log" "$tmp/wb.log" | grep -cE 'reconnected|trying again|queued again|cannot connect' | awk '{ print ($1 > 0) }')" 1
  check "every sample before the restart kept" "$(pq "select count(*) from samples where id in ($maxid)")" "$before"
  check "two runs per board, none measured twice" \
    "$(pq "select count(*), count(distinct (board, workload)) from runs")" "$(( N * 2 ))|$(( N * 2 ))"
  check "every run complete: ${FARM_SAMPLES:-3} ok samples each" \
    "$(pq "select count(*) from runs r where (select count(*) from samples s where s.run_id = r.id and s.ok = 1) <> ${FARM_SAMPLES:-3}")" 0
  check "every sample written under a lease token" "$(pq "select count(*) from samples where lease_token is null")" 0
  check "no board held after the workers" "$(pq "select count(*) from leases where owner is not null")" 0
  check "rig results reads the PostgreSQL store" "$(prig results -b agent-1 -w cpu 2>/dev/null | grep -c 'agent-1')" 1

  # --- 9. host-a hangs holding a lease, is fenced, then killed with kill -9
  eight="$(seq -s, -f 'agent-%g' 1 4),$(seq -s, -f 'agent-%g' $(( N / 2 + 1 )) $(( N / 2 + 4 )))"
  j0=$(pq "select max(id) from jobs")
  prig submit --boards "$eight" -- -t c -w cpu -n 10 -i 2000 --lease-ttl 2s --store-every 150ms -q >/dev/null
  worker_bg host-a rack:a rack:b "$tmp/wa2.log"
  pa=$!
  worker_bg host-b rack:b rack:a "$tmp/wb2.log" --exit-when-idle
  pb=$!
  x=
  for _ in $(seq 600); do
    x=$(pq "select j.board from jobs j join runs r on r.board = j.board and r.n_planned = 10
            where j.state = 'running' and j.worker = 'host-a'
              and (select count(*) from samples s where s.run_id = r.id) between 1 and 6 limit 1")
    [ -n "$x" ] && break
    sleep 0.02
  done
  bench=$(pgrep -P $pa | head -1)
  kill -STOP $pa $bench
  tok=$(pq "select token from leases where board = '$x'")
  run=$(pq "select id from runs where board = '$x' and n_planned = 10")
  before=$(pq "select count(*) from samples where run_id = ${run:-0}")
  echo "$(( $(date +%s) - t_pg )) s: host-a stopped while measuring $x (run $run, lease token $tok, $before samples stored)"
  for _ in $(seq 300); do
    [ "$(pq "select count(*) from farm_log where board = '$x' and event = 'takeover' and token > ${tok:-0}")" = 1 ] && break
    sleep 0.05
  done
  check "host-b took $x over after the lease expired" \
    "$(pq "select count(*) from farm_log where board = '$x' and event = 'takeover' and token = $(( ${tok:-0} + 1 )) and detail like '%its lease expired%'")" 1
  echo "$(( $(date +%s) - t_pg )) s: $x taken over"
  # host-a's bench wakes up (its worker stays stopped): its next write is late
  kill -CONT $bench
  for _ in $(seq 200); do
    grep -q "refused: written under lease token $tok" "$tmp/wa2.log" && break
    sleep 0.05
  done
  check "host-a's late sample refused by the fencing token" \
    "$(grep -c "on board $x refused: written under lease token $tok, but the board's lease is another holder's" "$tmp/wa2.log" | awk '{ print ($1 > 0) }')" 1
  echo "$(( $(date +%s) - t_pg )) s: host-a's late write refused; kill -9 host-a"
  kill -9 $pa
  wait $pa 2>/dev/null
  wait $pb; rb=$?
  check "host-b exits 0 after finishing host-a's boards" "$rb" 0
  check "every job of the second submit done once" \
    "$(pq "select count(*), count(distinct board) from jobs where id > $j0 and state = 'done'")" "8|8"
  check "$x's job finished by host-b on its second take" \
    "$(pq "select worker, attempts from jobs where board = '$x' and id > $j0")" "host-b|2"
  check "$x's run complete: 10 samples, none twice" \
    "$(pq "select count(*), count(distinct idx) from samples where run_id = $run")" "10|10"
  check "host-a's finished samples kept under its token" \
    "$(pq "select count(*) from samples where run_id = $run and lease_token = $tok")" "$before"
  check "one run per board in that submit, each complete" \
    "$(pq "select count(*), sum(case when (select count(*) from samples s where s.run_id = r.id and s.ok = 1) = 10 then 1 else 0 end) from runs r where n_planned = 10")" "8|8"
  check "no board held at the end" "$(pq "select count(*) from leases where owner is not null")" 0

  # --- 12. an agent killed mid-sample inside a queue job: an
  # infrastructure error (not a failed sample); its bench queues the rest
  # as a job for another board of the model, which resumes the same run
  x=agent-3
  j0=$(pq "select max(id) from jobs") r0=$(pq "select max(id) from runs") f0=$(pq "select max(id) from farm_log")
  prig submit --boards $x -- -t c -w cpu -n 6 -i 20000 --lease-ttl 2s --store-every 100ms -q >/dev/null
  worker_bg host-a rack:a rack:b "$tmp/wa5.log" --exit-when-idle
  pa=$!
  worker_bg host-b rack:b rack:a "$tmp/wb5.log" --exit-when-idle
  pb=$!
  run=
  for _ in $(seq 600); do
    run=$(pq "select r.id from runs r where r.board = '$x' and r.n_planned = 6 and r.id > $r0
                and (select count(*) from samples s where s.run_id = r.id) between 1 and 4")
    [ -n "$run" ] && break
    sleep 0.02
  done
  ip netns pids "${farm_prefix}n${x#agent-}" | xargs -r kill -9
  wait $pa; ra=$?
  wait $pb; rb=$?
  check "both workers exit 0 after an agent was killed mid-sample" "$ra$rb" 00
  check "$x's job failed (its board did), the rest queued as a --retry-of job done once" \
    "$(pq "select string_agg(state || ':' || (args like '%--retry-of%$x%')::text, ',' order by id) from jobs where id > $j0")" "failed:false,done:true"
  check "one infrastructure error on $x (farm log), counted apart from sample failures" \
    "$(pq "select count(*) from farm_log where id > $f0 and board = '$x' and event = 'infra'"):$(pq "select count(*) from samples where run_id = ${run:-0} and ok = 0")" "1:0"
  check "the requeue and the retry are logged" \
    "$(pq "select count(*) from farm_log where id > $f0 and event = 'requeue' and board = '$x'"):$(pq "select count(*) from farm_log where id > $f0 and event = 'retry' and board <> '$x' and detail like '%on $x)%'")" "1:1"
  check "$x's run complete: 6 samples, none twice, taken by $x and one other board" \
    "$(pq "select count(*), count(distinct idx), count(distinct board) from samples where run_id = ${run:-0}")" "6|6|2"
  check "no other run of that cell was begun" \
    "$(pq "select count(*) from runs where id > $r0")" 1
  check "no board held" "$(pq "select count(*) from leases where owner is not null")" 0
  farm_agent_start "${x#agent-}" "$tmp"
  farm_agent_wait "${x#agent-}"

  # --- 13. a sample that timed out in a queue job: the rest of the cell
  # goes to another board of the model as a job, whose bench gives the
  # verdict: it finishes the sample, so the first board is charged
  x=agent-4
  j0=$(pq "select max(id) from jobs") r0=$(pq "select max(id) from runs") f0=$(pq "select max(id) from farm_log")
  prig submit --boards $x -- -t c -w cpu -n 3 -i 20000 --timeout 4s --lease-ttl 2s --store-every 100ms -q >/dev/null
  worker_bg host-a rack:a rack:b "$tmp/wa6.log" --exit-when-idle
  pa=$!
  worker_bg host-b rack:b rack:a "$tmp/wb6.log" --exit-when-idle
  pb=$!
  pbegun() { [ -n "$(pq "select r.id from runs r where r.board = '$x' and r.n_planned = 3 and r.id > $r0")" ]; }
  farm_stop_workload "${x#agent-}" pbegun
  run=$(pq "select r.id from runs r where r.board = '$x' and r.n_planned = 3 and r.id > $r0")
  wait $pa; ra=$?
  wait $pb; rb=$?
  check "both workers exit 0 after a sample timed out on $x" "$ra$rb" 00
  check "$x's job done (the board did not fail), the rest a --retry-of --timed-out-on job, done" \
    "$(pq "select string_agg(state || ':' || (args like '%--retry-of%$x%--timed-out-on%$x,c,cpu,$x%')::text, ',' order by id) from jobs where id > $j0")" "done:false,done:true"
  check "farm log on $x: timeout, requeue, then the infra charge (the other board finished it)" \
    "$(pq "select string_agg(event, ',' order by id) from farm_log where id > $f0 and board = '$x' and event in ('timeout', 'requeue', 'infra')")" "timeout,requeue,infra"
  check "the charge names the board that finished it" \
    "$(pq "select count(*) from farm_log where id > $f0 and board = '$x' and event = 'infra' and detail like '%timed out on $x and took % ms on agent-%'")" 1
  check "$x's run complete: 3 samples ok, none twice, some by another board; no failed sample" \
    "$(pq "select count(*), count(distinct idx), sum(ok::int), max((board <> '$x')::int) from samples where run_id = ${run:-0}")" "3|3|3|1"
  check "no board held" "$(pq "select count(*) from leases where owner is not null")" 0
  prig farm release --force $x >/dev/null 2>&1

  # --- 10. host-a stopped by systemd (SIGTERM) mid-job: its bench stores
  # what it finished, releases its lease, the job is queued again (not
  # failed) and host-b resumes it from the stored samples
  x=agent-2
  j0=$(pq "select max(id) from jobs") r0=$(pq "select max(id) from runs")
  prig submit --boards $x -- -t c -w cpu -n 8 -i 2000 --lease-ttl 2s --store-every 100ms -q >/dev/null
  worker_bg host-a rack:a rack:b "$tmp/wa3.log"
  pa=$!
  run=
  for _ in $(seq 600); do
    run=$(pq "select r.id from runs r where r.board = '$x' and r.n_planned = 8 and r.id > $r0
                and (select count(*) from samples s where s.run_id = r.id) between 1 and 5")
    [ -n "$run" ] && break
    sleep 0.02
  done
  bench=$(pgrep -P $pa | head -1)
  kill -TERM $pa
  wait $pa; ra=$?
  before=$(pq "select count(*) from samples where run_id = ${run:-0}")
  check "host-a stopped by SIGTERM mid-job exits 0" "$ra" 0
  check "its bench is gone with it" "$(kill -0 ${bench:-999999} 2>/dev/null && echo alive || echo gone)" gone
  check "the stopped job is queued again, not failed" \
    "$(pq "select state from jobs where id > $j0")" queued
  check "no lease held after SIGTERM (released, not left to expire)" \
    "$(pq "select count(*) from leases where owner is not null")" 0
  check "the lease was released by host-a (farm log)" \
    "$(pq "select event from farm_log where board = '$x' order by id desc limit 1")" release
  worker_bg host-b rack:b rack:a "$tmp/wb3.log" --exit-when-idle
  pb=$!
  wait $pb; rb=$?
  check "host-b resumes it and exits 0" "$rb" 0
  check "the job done by host-b on its second take" \
    "$(pq "select state, worker, attempts from jobs where id > $j0")" "done|host-b|2"
  check "$x's run complete: 8 samples, none twice, host-a's $before kept" \
    "$(pq "select count(*), count(distinct idx), sum(case when lease_token = (select min(lease_token) from samples where run_id = $run) then 1 else 0 end) from samples where run_id = ${run:-0}")" "8|8|$before"

  # --- 11. the database gone for good: the worker gives up after
  # --store-lost-after with exit 75, holding nothing
  worker_bg host-a rack:a rack:b "$tmp/wa4.log" --store-lost-after 1500ms
  pa=$!
  sleep 0.5
  pg_down "$pgdir"
  t0=$(date +%s%N)
  for _ in $(seq 200); do kill -0 $pa 2>/dev/null || break; sleep 0.05; done
  kill -0 $pa 2>/dev/null && kill -9 $pa
  wait $pa; ra=$?
  echo "store lost: host-a gave up $(( ($(date +%s%N) - t0) / 1000000 )) ms after the server stopped"
  check "rig worker exits 75 when the store is gone longer than --store-lost-after" "$ra" 75
  check "and says so" "$(grep -c 'could not be reached for .* ms (--store-lost-after): giving up' "$tmp/wa4.log")" 1
  echo "PostgreSQL half: $(( $(date +%s) - t_pg )) s"
  check "PostgreSQL stopped" "$(pg_as "$pg_bin/pg_ctl" -D "$pgdir/data" status >/dev/null 2>&1; echo $?)" 3
}
farm_pg
