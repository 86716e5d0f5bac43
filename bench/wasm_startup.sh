#!/bin/sh
# WASI runtime start-up: rig's own figures (the wasi boards: exec to the
# ready line, exec to exit, wait4 peak RSS) beside hyperfine's wall time for
# the same runtime command line, for the floor module and the hello
# workload built by gc and by clang.
#
#   bench/wasm_startup.sh [RIG] [RUNS] [BOARDS]
#
# RIG: a non-sanitized rig (default: builds build-bench/ in Release).
# BOARDS: default "wasi-node wasi-wasmtime wasi-wasmtime-aot wasi-wamr";
# a board whose runtime is absent is reported as skipped.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/scripts/env.sh" 2>/dev/null || true
runs=${2:-10}
boards=${3:-"wasi-node wasi-wasmtime wasi-wasmtime-aot wasi-wamr"}
rig=${1:-}
if [ -z "$rig" ]; then
	cmake -S "$src" -B "$src/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$src/build-bench" -j1 --target rig >/dev/null
	rig=$src/build-bench/host/rig
fi
command -v hyperfine >/dev/null || { echo "wasm_startup.sh: hyperfine is not installed" >&2; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pre=$work/preopen
mkdir -p "$pre"

median() { sort -g | awk '{v[NR]=$1} END{if(NR==0){print "nan"}else if(NR%2){printf "%.0f\n", v[(NR+1)/2]}else{printf "%.0f\n", (v[NR/2]+v[NR/2+1])/2}}'; }

# The native executable behind a pyenv shim or a PyPI console script, as
# board_wasi.c resolves it (resolve_wrapper), so both tools time the same.
resolve() {
	p=$(command -v "$1") || { echo "$1"; return; }
	if [ "$(head -c2 "$p")" = '#!' ] && grep -q 'pyenv' "$p"; then
		p=$(pyenv which "$1" 2>/dev/null || echo "$p")
	fi
	if [ "$(head -c2 "$p")" = '#!' ]; then
		mod=$(sed -n 's/^from \([A-Za-z0-9_.]*\) import main.*/\1/p' "$p")
		py=$(head -1 "$p" | cut -c3-)
		d=$("$py" -c "import os, $mod as m; print(os.path.dirname(m.__file__))" 2>/dev/null) &&
			[ -x "$d/$1" ] && p=$d/$1
	fi
	echo "$p"
}

# The runtime command line rig's board uses (host/src/runners (the WASI runner) build_argv).
runtime_cmd() { # board module
	case $1 in
	wasi-node) echo "$(resolve node) --no-warnings $src/wasm-runner/node/run.mjs --dir $pre:/work -- $2" ;;
	wasi-wasmtime) echo "$(resolve wasmtime) run -C cache=n --dir $pre::/work $2" ;;
	wasi-wasmtime-aot) "$(resolve wasmtime)" compile "$2" -o "$work/m.cwasm" >/dev/null 2>&1
		echo "$(resolve wasmtime) run --dir $pre::/work --allow-precompiled $work/m.cwasm" ;;
	wasi-wamr) "$(resolve wamrc)" compile "$2" -o "$work/m.cwasm" >/dev/null 2>&1
		echo "$(resolve wamr) run --map-dir $pre::/work $work/m.cwasm" ;;
	esac
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d), $runs samples each"
printf '%-18s %-9s %12s %12s %12s %12s %10s\n' BOARD MODULE "rig start" "rig wall" "hyperfine" "hf stddev" "RSS MiB"
for b in $boards; do
	for wl in floor hello-c hello-gc; do
		case $wl in
		floor) prof=c; w=hello ;;
		hello-c) prof=c; w=hello ;;
		hello-gc) prof=gc; w=hello ;;
		esac
		if ! "$rig" --state-dir "$work/state" run --board "$b" --profile "$prof" -n "$runs" "$w" \
			>"$work/run.txt" 2>"$work/err.txt"; then
			why=$(grep -m1 FAILED "$work/run.txt" || grep -m1 -E 'error|skipped' "$work/err.txt" || tail -1 "$work/err.txt")
			printf '%-18s %-9s no figures: %s\n' "$b" "$wl" "$(echo "$why" | cut -c1-110)"
			continue
		fi
		mod=$(sed -n 's/^rig: \(.*\.wasm\): \(built\|cached\).*/\1/p' "$work/err.txt" | head -1)
		if [ "$wl" = floor ]; then
			mod=$src/wasm-runner/floor/floor.wasm
			# the board's floor medians are in its facts; re-measure the
			# same way here: rig run of the floor module is not a workload,
			# so take the above-floor figures' complement
			st=$(awk '/startup_ns /&&!/above/{print $2}' "$work/run.txt" | median)
			ab=$(awk '/startup_above_floor_ns/{print $2}' "$work/run.txt" | median)
			st=$(awk "BEGIN{printf \"%.0f\", ($st)-($ab)}")
			wall=$(awk '/wall_ns /&&!/above/{print $2}' "$work/run.txt" | median)
			abw=$(awk '/wall_above_floor_ns/{print $2}' "$work/run.txt" | median)
			wall=$(awk "BEGIN{printf \"%.0f\", ($wall)-($abw)}")
			rss=$(awk '/peak_rss_kib /{print $2}' "$work/run.txt" | median)
			abr=$(awk '/peak_rss_above_floor_kib/{print $2}' "$work/run.txt" | median)
			rss=$(awk "BEGIN{printf \"%.0f\", ($rss)-($abr)}")
		else
			st=$(awk '/startup_ns /&&!/above/{print $2}' "$work/run.txt" | median)
			wall=$(awk '/wall_ns /&&!/above/{print $2}' "$work/run.txt" | median)
			rss=$(awk '/peak_rss_kib /{print $2}' "$work/run.txt" | median)
		fi
		cmd=$(runtime_cmd "$b" "$mod")
		hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/h.json" "$cmd" >/dev/null 2>&1 || {
			printf '%-18s %-9s hyperfine failed on: %s\n' "$b" "$wl" "$cmd"; continue; }
		hf=$(python3 -c "import json;r=json.load(open('$work/h.json'))['results'][0];print('%.1f %.1f'%(r['median']*1e3,r['stddev']*1e3))")
		printf '%-18s %-9s %10.1fms %10.1fms %10.1fms %10.1fms %10.1f\n' "$b" "$wl" \
			"$(awk "BEGIN{print $st/1e6}")" "$(awk "BEGIN{print $wall/1e6}")" \
			"${hf% *}" "${hf#* }" "$(awk "BEGIN{print $rss/1024}")"
	done
done
echo "rig start: exec to the ready line; rig wall: exec to exit (medians of rig run -n $runs)."
echo "floor rows: the board's floor medians (total minus above-floor). hyperfine: median wall, -N (no shell)."
