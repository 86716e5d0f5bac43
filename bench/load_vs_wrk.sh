#!/usr/bin/env bash
# rig load against wrk (Debian's package) and oha (crates.io) on the same
# server (the gc build of firmware/workloads/go/http, pinned to CPU 1), the
# same connections and threads (generators pinned to CPU 0), interleaved:
# rig, wrk, oha, then again, ROUNDS times. Prints req/s of each closed-model
# run and, at a fixed rate, rig's corrected P99 beside oha's
# --latency-correction P99. Generator and server share this machine's cores.
#
#   bench/load_vs_wrk.sh [RIG] [ROUNDS] [DURATION_S] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
RIG=${1:-build/release/host/rig}
ROUNDS=${2:-3}
D=${3:-5}
RATE=${4:-5000}
C=32
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
work=$(mktemp -d)
trap 'kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
(cd firmware/workloads/go/http && go build -o "$work/gc-http" .)
RIG_LISTEN=127.0.0.1:18181 taskset -c 1 "$work/gc-http" >"$work/srv.log" 2>&1 &
srv=$!
sleep 0.5
URL=http://127.0.0.1:18181/plaintext
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(date -u +%F)"
echo "server: gc $(go version | cut -d' ' -f3) net/http on CPU 1; generators on CPU 0; c=$C, 1 thread, ${D}s"
for r in $(seq "$ROUNDS"); do
	rq=$(taskset -c 0 "$RIG" load -c $C -t 1 --no-pin -d ${D}s --format json "$URL" |
		python3 -c 'import json,sys; print("%.0f" % json.load(sys.stdin)["qps"])')
	wq=$(taskset -c 0 wrk -c $C -t 1 -d ${D}s "$URL" | awk '/Requests\/sec/ {printf "%.0f", $2}')
	oq=$(taskset -c 0 oha --no-tui -c $C -z ${D}s --output-format json "$URL" |
		python3 -c 'import json,sys; print("%.0f" % json.load(sys.stdin)["summary"]["requestsPerSec"])')
	echo "round $r closed req/s: rig $rq  wrk $wq  oha $oq"
done
rp=$(taskset -c 0 "$RIG" load -c $C -t 1 --no-pin -d ${D}s --rate "$RATE" --format json "$URL" |
	python3 -c 'import json,sys; j=json.load(sys.stdin); print("%.0f us, qps %.0f" % (j["p99"], j["qps"]))')
op=$(taskset -c 0 oha --no-tui -c $C -z ${D}s -q "$RATE" --latency-correction --output-format json "$URL" |
	python3 -c 'import json,sys; j=json.load(sys.stdin); print("%.0f us, qps %.0f" % (j["latencyPercentiles"]["p99"]*1e6, j["summary"]["requestsPerSec"]))')
echo "rate $RATE/s P99 (corrected): rig $rp  oha $op"
