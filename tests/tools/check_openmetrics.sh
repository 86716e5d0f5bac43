#!/bin/sh
# rig export --format openmetrics read by an independent parser
# (prometheus_client's OpenMetrics parser, tests/tools/check_openmetrics.py):
# real samples of the host board (C and gc, hello and cpu, 3 each), then the
# same store with a board name and a metric name that need escaping and
# sanitising. usage: check_openmetrics.sh RIG WORKDIR. Exit 77: skipped.
set -eu
rig=$1
work=$2
here=$(dirname "$0")
if ! python3 -c 'import prometheus_client.openmetrics.parser' 2>/dev/null; then
	echo "SKIPPED: python3 prometheus_client is not installed (scripts/setup.sh)"
	exit 77
fi
for t in gcc sqlite3; do
	command -v $t >/dev/null || { echo "SKIPPED: $t is not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
"$rig" --state-dir "$work/st" bench -b host -w hello,cpu -p c,gc -n 3 --warmup 0 -q
"$rig" --state-dir "$work/st" export --format openmetrics -o "$work/out.om"
"$rig" --state-dir "$work/st" export --format json -o "$work/out.json"
tail -n 1 "$work/out.om" | grep -qx '# EOF'

cp -r "$work/st" "$work/nasty"
sqlite3 "$work/nasty/rig.db" "update runs set board = 'ho\"st\\x' || char(10) || 'y' || cast(x'ff' as text) || 'z';
  update metrics set name = 'odd metric.2', unit = 'frames/s' where name = 'check'"
"$rig" --state-dir "$work/nasty" export --format openmetrics --timestamps -o "$work/nasty.om"
grep -q '^# TYPE rig_odd_metric_2_frames_per_second gauge$' "$work/nasty.om"
want=$(printf 'ho"st\\x\ny\357\277\275z')
python3 "$here/check_openmetrics.py" "$work/out.om" "$work/out.json" "$work/nasty.om" "$want"
