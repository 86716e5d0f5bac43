#!/usr/bin/env bash
# rig's load generator itself, against wrk (Debian's package) and oha
# (crates.io) on the same server: the gc build of
# firmware/workloads/go/http (/plaintext) pinned to CPU 1, every generator
# pinned to CPU 0 (generator and server share this machine's 2 cores).
#
#  1. CPU per 10k requests, closed model (c=32, 1 thread, D s), interleaved
#     rig -> wrk -> oha, ROUNDS times: each tool's user+sys CPU from
#     /usr/bin/time (the independent figure) over the responses it reports;
#     for rig also its own cpu_ms_per_10k (getrusage of its load threads).
#  2. The highest constant rate rig sustains within 1 % of target: rates
#     RATES (ascending), D s each; sustained = achieved qps >= 0.99 x target
#     and no backlog; oha -q at the same rate beside it (its achieved rate).
#  3. P99 at RATE_P99 req/s, rig (corrected) against
#     oha --latency-correction, interleaved ROUNDS times.
#
#   bench/load_generator.sh [RIG] [ROUNDS] [D_S] [RATE_P99] [RATES...]
set -euo pipefail
cd "$(dirname "$0")/.."
RIG=${1:-build/release/host/rig}
ROUNDS=${2:-3}
D=${3:-5}
RATE_P99=${4:-5000}
shift 4 || true
RATES=${*:-5000 10000 15000 20000 25000 30000 40000}
C=32
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
work=$(mktemp -d)
trap 'kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
(cd firmware/workloads/go/http && go build -o "$work/gc-http" .)
RIG_LISTEN=127.0.0.1:18182 taskset -c 1 "$work/gc-http" >"$work/srv.log" 2>&1 &
srv=$!
sleep 0.5
URL=http://127.0.0.1:18182/plaintext
T="/usr/bin/time -f %U:%S -o $work/time"
cpu_s() { awk -F: '{printf "%.3f", $1 + $2}' "$work/time"; }
j() { python3 -c "import json,sys; j=json.load(open('$1')); print($2)"; }
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(uname -r), $(date -u '+%F %H:%M') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: gc $(go version | cut -d' ' -f3) net/http on CPU 1; generators on CPU 0; c=$C, 1 thread, ${D}s"
echo "== CPU per 10k responses (closed model)"
for r in $(seq "$ROUNDS"); do
	taskset -c 0 $T "$RIG" load -c $C -t 1 --no-pin -d ${D}s --format json "$URL" >"$work/rig.json"
	rn=$(j "$work/rig.json" 'j["requests"]')
	echo "round $r rig: $rn responses, time(1) $(cpu_s) s CPU = $(python3 -c "print('%.1f' % ($(cpu_s)*1e3*1e4/$rn))") ms/10k; own $(j "$work/rig.json" '"%.1f" % j["cpu_ms_per_10k"]') ms/10k"
	taskset -c 0 $T wrk -c $C -t 1 -d ${D}s "$URL" >"$work/wrk.txt"
	wn=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
	echo "round $r wrk: $wn responses, time(1) $(cpu_s) s CPU = $(python3 -c "print('%.1f' % ($(cpu_s)*1e3*1e4/$wn))") ms/10k"
	taskset -c 0 $T oha --no-tui -c $C -z ${D}s --output-format json "$URL" >"$work/oha.json"
	on=$(j "$work/oha.json" 'sum(j["statusCodeDistribution"].values())')
	echo "round $r oha: $on responses, time(1) $(cpu_s) s CPU = $(python3 -c "print('%.1f' % ($(cpu_s)*1e3*1e4/$on))") ms/10k"
done
echo "== highest constant rate within 1 % of target (${D}s each)"
for R in $RATES; do
	taskset -c 0 "$RIG" load -c $C -t 1 --no-pin -d ${D}s --rate "$R" --format json "$URL" >"$work/rr.json"
	taskset -c 0 oha --no-tui -c $C -z ${D}s -q "$R" --latency-correction --output-format json "$URL" >"$work/or.json"
	echo "rate $R: rig qps $(j "$work/rr.json" '"%.0f" % j["qps"]') backlog $(j "$work/rr.json" 'j["backlog"]') $(j "$work/rr.json" '"sustained" if j["qps"] >= 0.99*'"$R"' and j["backlog"] == 0 else "NOT sustained"') p99 $(j "$work/rr.json" '"%.0f" % j["p99"]') us | oha qps $(j "$work/or.json" '"%.0f" % j["summary"]["requestsPerSec"]') p99 $(j "$work/or.json" '"%.0f" % (j["latencyPercentiles"]["p99"]*1e6)') us"
done
echo "== P99 at $RATE_P99 req/s (rig corrected, oha --latency-correction)"
for r in $(seq "$ROUNDS"); do
	taskset -c 0 "$RIG" load -c $C -t 1 --no-pin -d ${D}s --rate "$RATE_P99" --format json "$URL" >"$work/rp.json"
	taskset -c 0 oha --no-tui -c $C -z ${D}s -q "$RATE_P99" --latency-correction --output-format json "$URL" >"$work/op.json"
	echo "round $r: rig p50 $(j "$work/rp.json" '"%.0f" % j["p50"]') p99 $(j "$work/rp.json" '"%.0f" % j["p99"]') us (qps $(j "$work/rp.json" '"%.0f" % j["qps"]')) | oha p50 $(j "$work/op.json" '"%.0f" % (j["latencyPercentiles"]["p50"]*1e6)') p99 $(j "$work/op.json" '"%.0f" % (j["latencyPercentiles"]["p99"]*1e6)') us (qps $(j "$work/op.json" '"%.0f" % j["summary"]["requestsPerSec"]'))"
done
