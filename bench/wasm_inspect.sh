#!/bin/sh
# Inspector throughput: rig's WebAssembly parser (rig wasm sections, which
# decodes every section and every instruction of every function body)
# against wabt on the same large module:
#   wasm-objdump -h   reads the section headers only
#   wasm-validate     decodes and validates the whole module
# Timed with hyperfine; MB/s = module bytes / mean time.
#
#   bench/wasm_inspect.sh [RIG] [RUNS]
#
# RIG: a rig binary from a non-sanitized build (default: builds
# build-bench/ in Release). Needs Go >= 1.21, wabt, hyperfine.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/scripts/env.sh" 2>/dev/null || true
runs=${2:-20}
rig=${1:-}
if [ -z "$rig" ]; then
	cmake -S "$src" -B "$src/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$src/build-bench" -j1 --target rig >/dev/null
	rig=$src/build-bench/host/rig
fi
for t in go wasm-objdump wasm-validate hyperfine; do
	command -v $t >/dev/null || { echo "wasm_inspect.sh: $t is not installed" >&2; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$src/bench/wasm_big" && GOOS=wasip1 GOARCH=wasm GOTOOLCHAIN=local go build -o "$work/big.wasm" .)
bytes=$(stat -c %s "$work/big.wasm")
"$rig" wasm sections "$work/big.wasm" >/dev/null

hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/h.json" \
	-n "rig wasm sections" "$rig wasm sections $work/big.wasm" \
	-n "wasm-objdump -h" "wasm-objdump -h $work/big.wasm" \
	-n "wasm-validate" "wasm-validate $work/big.wasm" >"$work/h.txt" 2>&1 ||
	{ cat "$work/h.txt"; exit 1; }

echo "module: gc $(go env GOVERSION) GOOS=wasip1, $bytes bytes ($(awk "BEGIN{printf \"%.2f\", $bytes/1048576}") MiB), $("$rig" wasm inspect "$work/big.wasm" --format json | grep -o '"instructions":[0-9]*' | cut -d: -f2) instructions"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"
printf '%-20s %12s %12s %10s\n' TOOL "MEAN ms" "STDDEV ms" "MB/s"
python3 - "$work/h.json" "$bytes" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); n = int(sys.argv[2])
for r in d["results"]:
    print("%-20s %12.2f %12.2f %10.1f" % (r["command"], r["mean"] * 1e3, r["stddev"] * 1e3, n / r["mean"] / 1e6))
PY
