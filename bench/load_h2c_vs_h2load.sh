#!/usr/bin/env bash
# rig load --h2c (libnghttp2) against h2load (nghttp2-client) on the same
# h2c server (the gc build of firmware/workloads/go/http, Go 1.24+, pinned
# to CPU 1), the same connections, streams per connection and request count
# (generators pinned to CPU 0), interleaved ROUNDS times. Prints req/s of
# each. Generator and server share this machine's cores.
#
#   bench/load_h2c_vs_h2load.sh [RIG] [ROUNDS] [REQUESTS] [C] [STREAMS]
set -euo pipefail
cd "$(dirname "$0")/.."
RIG=${1:-build/release/host/rig}
ROUNDS=${2:-3}
N=${3:-200000}
C=${4:-8}
M=${5:-10}
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
work=$(mktemp -d)
trap 'kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
(cd firmware/workloads/go/http && go build -o "$work/gc-http" .)
RIG_LISTEN=127.0.0.1:18182 taskset -c 1 "$work/gc-http" >"$work/srv.log" 2>&1 &
srv=$!
sleep 0.5
URL=http://127.0.0.1:18182/plaintext
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(date -u +%F)"
echo "server: gc $(go version | cut -d' ' -f3) net/http h2c on CPU 1; generators on CPU 0; c=$C, $M streams each, 1 thread, $N requests"
for r in $(seq "$ROUNDS"); do
	rq=$(taskset -c 0 "$RIG" load --h2c -c "$C" -t 1 -p "$M" --no-pin -n "$N" --format json "$URL" |
		python3 -c 'import json,sys; j=json.load(sys.stdin); e=sum(j["errors"].values()); print("%.0f (errors %d, p99 %.0f us)" % (j["qps"], e, j["p99"]))')
	hq=$(taskset -c 0 h2load -c "$C" -m "$M" -t 1 -n "$N" "$URL" |
		awk '/^finished in/ {gsub(",","",$4); r=$4} /^requests:/ {f=$10} END {printf "%.0f (failed %s)", r, f}')
	echo "round $r h2c req/s: rig $rq  h2load $hq"
done
