#!/bin/sh
# benchstat acceptance test (ctest "benchstat/accepts-benchfmt"):
#   check_benchstat.sh BENCHFMT_DEMO WORKDIR [BENCHSTAT]
# Writes two benchfmt files with rig's writer, runs benchstat on them, and
# checks that it read every metric, every configuration, the 20% slowdown,
# and that its Mann-Whitney p-values equal rig's (stats.c) to 3 decimals.
# Exits 77 (skipped) when benchstat is not installed.
set -eu
demo=$1
work=$2
benchstat=${3:-}
if [ -z "$benchstat" ] || [ ! -x "$benchstat" ]; then
	benchstat=$(command -v benchstat || true)
fi
if [ -z "$benchstat" ]; then
	echo "SKIPPED: benchstat is not installed (scripts/setup.sh installs it with go install)"
	exit 77
fi
fail() {
	echo "FAIL: $*"
	exit 1
}
mkdir -p "$work"
cd "$work"
"$demo" old > old.txt
"$demo" new > new.txt
"$benchstat" old.txt new.txt > text.out 2>&1 || fail "benchstat exited $?: $(cat text.out)"
cat text.out
for want in startup-sec peak-rss-B text-B \
	'Startup/board=host/workload=hello/profile=gc-1' \
	'Startup/board=host/workload=hello/profile=tinygo-1' 'n=10'; do
	grep -qF -- "$want" text.out || fail "benchstat output lacks \"$want\""
done
grep -Eq 'profile=gc-1 .*\+(1[5-9]|2[0-5])\.[0-9][0-9]% \(p=0\.000 n=10\)' text.out ||
	fail "benchstat does not report the gc startup slowdown of about 20%"
if grep -qi 'error\|syntax\|parsing' text.out; then
	fail "benchstat reported a problem reading the files"
fi

"$benchstat" -format csv old.txt new.txt > csv.out 2>&1 || fail "benchstat -format csv failed"
# ",startup-sec,CI,..." starts a metric block; data rows end with "p=X n=N"
awk -F, '
	/^,[^,\/]/ && $2 != "" && $3 == "CI" { unit = $2 }
	/^Startup\// && $NF ~ /^p=/ {
		split($1, parts, "profile="); prof = parts[2]; sub(/-[0-9]+$/, "", prof)
		p = $NF; sub(/^p=/, "", p); sub(/ .*/, "", p)
		print unit, prof, p
	}' csv.out | sort > theirs.txt
"$demo" pvalues | sort > ours.txt
echo "benchstat p-values:"; cat theirs.txt
echo "rig p-values:"; cat ours.txt
[ -s theirs.txt ] || fail "no p-values found in benchstat -format csv output"
diff ours.txt theirs.txt || fail "rig's Mann-Whitney p-values differ from benchstat's"
echo "benchstat accepted rig's benchfmt output"
