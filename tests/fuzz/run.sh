#!/bin/sh
# Runs one libFuzzer target for a bounded time (CI-friendly).
#
#   tests/fuzz/run.sh TARGET [SECONDS] [BUILD_DIR]
#
# Builds fuzz_TARGET with clang and -DRIG_FUZZ=ON in BUILD_DIR (default
# build-fuzz under the source tree), fuzzes from a scratch copy of
# tests/fuzz/corpus/TARGET/ for SECONDS (default 120), and exits non-zero
# when the fuzzer finds a crash, leak or timeout; the input that did it is
# left in BUILD_DIR/fuzz-TARGET/ (crash-*, leak-*, timeout-*) to be added to
# the corpus as a regression case once fixed. Exits 77 (skipped) when clang
# or libFuzzer is not installed. RIG_FUZZ_SEED picks libFuzzer's seed (0 or
# unset: a random one, as by hand); ctest sets 1 so a CI run explores the
# same inputs each time and a red run is reproducible with the same seed.
set -eu
target=${1:?usage: tests/fuzz/run.sh TARGET [SECONDS] [BUILD_DIR]}
secs=${2:-120}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${3:-$src/build-fuzz}
corpus=$src/tests/fuzz/corpus/$target
seed=${RIG_FUZZ_SEED:-0}

if ! command -v clang >/dev/null 2>&1; then
	echo "run.sh: skipped: clang is not installed (scripts/setup.sh)"; exit 77
fi
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){return 0;}' |
	clang -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
	echo "run.sh: skipped: clang cannot link -fsanitize=fuzzer (apt-get install libclang-rt-14-dev)"; exit 77
fi
[ -d "$corpus" ] || { echo "run.sh: no corpus $corpus" >&2; exit 2; }

mkdir -p "$build"
if ! { CC=clang cmake -S "$src" -B "$build" -DRIG_FUZZ=ON -DRIG_SANITIZE=ON &&
	cmake --build "$build" -j1 --target "fuzz_$target"; } >"$build/fuzz-build.log" 2>&1; then
	tail -30 "$build/fuzz-build.log"; echo "run.sh: building fuzz_$target failed" >&2; exit 2
fi

work=$build/fuzz-$target
mkdir -p "$work/corpus"
cp "$corpus"/* "$work/corpus/"
cd "$work"
# detect_leaks stays on: the parser owns every allocation it makes.
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 LSAN_OPTIONS=suppressions=$src/tests/fuzz/lsan.supp \
"$build/tests/fuzz_$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=65536 -seed="$seed" -print_final_stats=1 "$work/corpus" 2>"$work/fuzz.log" || {
	tail -40 "$work/fuzz.log"
	echo "run.sh: $target: the fuzzer found a problem (seed $seed); inputs in $work" >&2
	exit 1
}
grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)" "$work/fuzz.log" || true
echo "run.sh: $target: no crash in ${secs}s ($(ls "$work/corpus" | wc -l) corpus inputs)"
