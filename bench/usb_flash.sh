#!/usr/bin/env bash
# USB flash throughput in the USB test bed (tests/usb/bed): the uf2,
# picoboot and dfu flash parts against the raw bulk throughput of the same
# bed, interleaved round by round in one boot (tests/usb/bench_flash.c):
#   raw-kernel  rig_usb_bulk OUT, 1 MiB transfers, into the kernel's
#               SourceSink function (usb_f_ss_lb)
#   raw-ffs     the same loop into a FunctionFS sink (usbmodel_ffssink), the
#               userspace ceiling of the FunctionFS models
#   raw-ffs-whole  the same, sending the 16 MiB image (big.bin) MiB after MiB
#               into successive MiB of a sink buffer as large: the memory
#               the picoboot-raw row moves through
#   uf2         the uf2 part onto the RP2040 model's drive (copy B/s)
#   picoboot    the picoboot part into the RP2040 model (erase + write B/s,
#               read-back B/s), default 32 KiB per command, chunk: 256k and chunk: 1m
#   picoboot-raw  like for like with the raw rows: RAW_MIB written in 1 MiB
#               commands into a model with that much flash (-raw-4m: 4 MiB
#               commands)
#   picoboot-lib  the write phase alone (erase + RAW_MIB in 1 MiB WRITEs)
#               through the PICOBOOT library, no file or reboot; "# cpu"
#               lines say where the bed's one vCPU went in the raw and lib rows
#   dfu         the dfu part into the DfuSe model (erase + download B/s,
#               UPLOAD B/s)
# and prints the medians, picoboot's as a share of raw bulk. Emulated
# (dummy_hcd in a TCG guest): a comparison inside the bed, not a Pico's
# speed. Not a test: numbers go to docs/benchmarks.md by hand.
#
# usage: bench/usb_flash.sh [BUILD_DIR] [ROUNDS] [RAW_MIB 1..16] [IMAGE_KIB] [DFU_KIB]
#   DFU_KIB 0 leaves the dfu rows out (the GadgetFS DfuSe model can oops the
#   bed kernel: docs/usb.md)
# Takes /tmp/rig-heavy.lock itself (set RIG_HEAVY_LOCKED=1 when the caller
# holds it). Exit 77 when the bed cannot run (tests/usb/bed/run.sh says why).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build/dev}" && pwd)
rounds=${2:-5}
raw=${3:-32}
img=${4:-1024}
dfu=${5:-256}
cmake --build "$build" -j2 --target usbbench_flash usbmodel_rp2040 usbmodel_dfuse usbmodel_ffssink >/dev/null
out=$(mktemp -d /tmp/rig-usb-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
lock=(flock /tmp/rig-heavy.lock)
[ -n "${RIG_HEAVY_LOCKED:-}" ] && lock=()
echo "# usb_flash: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "# bed: $(qemu-system-x86_64 --version | head -1), TCG, dummy_hcd (emulated); rounds=$rounds raw=${raw} MiB image=${img} KiB dfu=${dfu} KiB"
set +e
RIG_SOURCE_DIR=$root RIG_BINARY_DIR=$build "${lock[@]}" bash "$root/tests/usb/bed/run.sh" --out "$out/bed" --timeout 590 \
	"$build/tests/usb/usbbench_flash" "$rounds" "$raw" "$img" "$dfu" | tee "$out/log" | grep -v '^rig: '
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || { echo "usb_flash: the bed run failed (exit $rc)" >&2; exit "$rc"; }
awk '
function median(k,   n, i, j, t, a) {
	n = cnt[k]
	for (i = 1; i <= n; i++) a[i] = v[k, i]
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(k, x) { if (x != "-") { cnt[k]++; v[k, cnt[k]] = x } }
# row k against row base, round by round (the two ran back to back in one
# boot): the median of the per-round ratios and their range
function paired(k, base,   n, r, j, lo, hi, t) {
	t = "pair " k " " base
	for (r = 1; r <= last; r++)
		if ((r, k) in rw && (r, base) in rw) { n++; cnt[t]++; v[t, n] = rw[r, k] / rw[r, base] }
	if (!n)
		return
	lo = hi = v[t, 1]
	for (j = 2; j <= n; j++) { if (v[t, j] < lo) lo = v[t, j]; if (v[t, j] > hi) hi = v[t, j] }
	printf "%s write / %s, paired by round: median %.0f%% (%.0f-%.0f%%, %d rounds)\n", k, base, 100 * median(t), 100 * lo, 100 * hi, n
}
/^[0-9]+ (raw-kernel|raw-ffs|raw-ffs-whole|picoboot-lib|uf2|picoboot|picoboot-256k|picoboot-1m|picoboot-raw|picoboot-raw-4m|dfu) / { add($2 " write", $4); add($2 " verify", $5); add($2 " total", $6); if ($4 != "-") { rw[$1, $2] = $4; if ($1 > last) last = $1 } }
END {
	printf "%-15s %14s %14s %10s %8s\n", "kind", "write MiB/s", "verify MiB/s", "total s", "rounds"
	nk = split("raw-kernel raw-ffs uf2 picoboot picoboot-256k picoboot-1m picoboot-raw picoboot-raw-4m dfu raw-ffs-whole picoboot-lib", ks, " ")
	for (i = 1; i <= nk; i++) {
		k = ks[i]
		w = cnt[k " write"] ? sprintf("%.2f", median(k " write") / 1048576) : "-"
		r = cnt[k " verify"] ? sprintf("%.2f", median(k " verify") / 1048576) : "-"
		t = cnt[k " total"] ? sprintf("%.2f", median(k " total")) : "-"
		printf "%-15s %14s %14s %10s %8d\n", k, w, r, t, cnt[k " write"]
	}
	if (cnt["picoboot write"] && cnt["raw-kernel write"])
		printf "picoboot write / raw-kernel: %.0f%%, / raw-ffs: %.0f%%; picoboot read-back / raw-kernel: %.0f%%\n",
			100 * median("picoboot write") / median("raw-kernel write"),
			100 * median("picoboot write") / median("raw-ffs write"),
			100 * median("picoboot verify") / median("raw-kernel write")
	if (cnt["picoboot-256k write"] && cnt["raw-kernel write"])
		printf "picoboot (chunk 256k) write / raw-kernel: %.0f%%, / raw-ffs: %.0f%%\n",
			100 * median("picoboot-256k write") / median("raw-kernel write"),
			100 * median("picoboot-256k write") / median("raw-ffs write")
	if (cnt["picoboot-1m write"] && cnt["raw-kernel write"])
		printf "picoboot (chunk 1m) write / raw-kernel: %.0f%%, / raw-ffs: %.0f%%\n",
			100 * median("picoboot-1m write") / median("raw-kernel write"),
			100 * median("picoboot-1m write") / median("raw-ffs write")
	for (i = 7; i <= 8; i++) {
		k = ks[i]
		if (cnt[k " write"] && cnt["raw-kernel write"])
			printf "%s write / raw-kernel: %.0f%%, / raw-ffs: %.0f%%; read-back / raw-ffs: %.0f%%\n", k,
				100 * median(k " write") / median("raw-kernel write"),
				100 * median(k " write") / median("raw-ffs write"),
				100 * median(k " verify") / median("raw-ffs write")
	}
	# paired in each round (the two ran back to back in one boot): the
	# median of the per-round ratios, which the bed'"'"'s round-to-round swings
	# move less than a ratio of medians
	for (i = 7; i <= 11; i++) {
		if (i == 9 || i == 10)
			continue
		paired(ks[i], "raw-ffs")
		# against the sink fed from the same 16 MiB image into as much memory
		paired(ks[i], "raw-ffs-whole")
	}
}' "$out/log"
