#!/bin/sh
# rig compare against benchstat on the same samples (ctest
# "compare/agrees-with-benchstat"):
#   check_compare_benchstat.sh RIG WORKDIR [BENCHSTAT]
# Benches the host board twice (C, hello, 10 samples), writes both sides
# with `rig compare --format benchfmt`, runs `benchstat -col side` on it and
# checks, for every metric row both print: the same medians (1e-9
# relative), the same verdict (significant or "~"), the same change in
# percent (2 decimals) and, where the samples have no ties, the same
# Mann-Whitney p (3 decimals; with ties benchstat uses an exact tie-aware
# distribution, rig the normal approximation). Exits 77 without benchstat.
set -eu
rig=$1
work=$2
benchstat=${3:-}
[ -n "$benchstat" ] && [ -x "$benchstat" ] || benchstat=$(command -v benchstat || true)
if [ -z "$benchstat" ]; then
	echo "SKIPPED: benchstat is not installed (scripts/setup.sh installs it)"
	exit 77
fi
command -v gcc >/dev/null || { echo "SKIPPED: gcc is not installed"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work"
mkdir -p "$work"
cd "$work"
for l in base head; do
	"$rig" --state-dir st bench -b host -w hello -p c -n 10 --warmup 1 --label $l -q \
		2>>bench.log || fail "rig bench failed: $(cat bench.log)"
done
"$rig" --state-dir st compare base head -f benchfmt > both.txt
"$rig" --state-dir st compare base head -f csv > rig.csv
"$benchstat" -col side -format csv both.txt > bs.csv 2> bs.err || fail "benchstat: $(cat bs.err)"
"$benchstat" -col side both.txt > bs.txt 2>&1
# benchstat rows: unit name medianA medianB verdict p
awk -F, '
	/^,A,/ { next }
	$3 == "CI" { unit = $2; next }
	$1 ~ /\/board=/ && $NF ~ /^p=/ {
		p = $NF; sub(/^p=/, "", p); sub(/ .*/, "", p)
		v = $6; if (v != "~") { sub(/%$/, "", v); v = sprintf("%+.2f", v) }
		printf "%s %s %.10g %.10g %s %s\n", unit, $1, $2, $4, v, p
	}' bs.csv | sort > theirs.txt
# rig rows (sampled metrics, and exact ones that did not change: benchstat
# prints a metric that was 0 in every sample too) in benchstat units (format.h rig_benchfmt_metric): ns -> -sec / 1e9,
# bytes -> -B, KiB -> -B * 1024, otherwise -<unit>; names with "_" -> "-", a trailing _<unit> cut
awk -F, 'NR > 1 && ($20 == 0 || $8 == $12) && $7 > 0 && $11 > 0 && $5 != "peak_rss_kib" {
		name = $5; unit = $6; scale = 1
		if (unit == "ns") { sub(/_ns$/, "", name); u = "sec"; scale = 1e-9 }
		else if (unit == "bytes" || unit == "B") { sub(/_bytes$/, "", name); u = "B" }
		else if (unit == "KiB") { sub(/_kib$/, "", name); u = "B"; scale = 1024 }
		else u = unit
		gsub(/_/, "-", name)
		wl = toupper(substr($2, 1, 1)) substr($2, 2); gsub(/-/, "_", wl)
		v = $19 == 1 ? sprintf("%+.2f", $15 * 100) : "~"
		printf "%s-%s %s/board=%s/profile=%s-1 %.10g %.10g %s %.3f %d\n", name, u, wl, $1, $3,
			$8 * scale, $12 * scale, v, $18, $22
	}' rig.csv | sort > ours_all.txt
cut -d' ' -f1-6 ours_all.txt > ours.txt
echo "benchstat:"; cat theirs.txt
echo "rig:"; cat ours_all.txt
[ -s theirs.txt ] || fail "no rows read from benchstat -format csv"
rows=0 ties=0 pdiff=0
while read -r unit name ma mb verdict p; do
	line=$(grep -F "$unit $name " ours_all.txt) || fail "rig has no row for $unit $name"
	set -- $line
	awk -v a="$3" -v b="$ma" -v c="$4" -v d="$mb" 'BEGIN {
		ea = a - b; if (ea < 0) ea = -ea; eb = c - d; if (eb < 0) eb = -eb
		exit !(ea <= 1e-9 * (b < 0 ? -b : b) + 1e-15 && eb <= 1e-9 * (d < 0 ? -d : d) + 1e-15) }' ||
		fail "$unit $name: medians differ: rig $3 $4, benchstat $ma $mb"
	near=$(awk -v a="$6" -v b="$p" 'BEGIN { print (a > 0.03 && a < 0.07) || (b > 0.03 && b < 0.07) }')
	if [ "$5" != "$verdict" ]; then
		# with ties the two p-values differ a little: near 0.05 that may
		# flip the verdict, which is no disagreement in the statistics
		[ "$7" = 1 ] && [ "$near" = 1 ] ||
			fail "$unit $name: verdict differs: rig $5, benchstat $verdict"
		echo "note: $unit $name: tied samples near p=0.05: rig $6 ($5), benchstat $p ($verdict)"
	fi
	if [ "$7" = 1 ]; then
		ties=$((ties + 1))
		[ "$6" = "$p" ] || pdiff=$((pdiff + 1))
	else
		[ "$6" = "$p" ] || fail "$unit $name: p differs without ties: rig $6, benchstat $p"
	fi
	rows=$((rows + 1))
done < theirs.txt
echo "rig compare agrees with benchstat on $rows rows (medians, verdicts, change %;" \
	"p on the $((rows - ties)) without ties; $pdiff of $ties rows with ties differ in p only)"
