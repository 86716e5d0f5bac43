#!/usr/bin/env bash
# Measures the same hello binaries with rig (host board) and with
# `hyperfine -N`, and writes both, their ratio and rig's own per-sample
# overhead into docs/benchmarks.md (section "Startup: rig vs hyperfine").
#
#   bench/startup_vs_hyperfine.sh [RUNS]     (default 30 runs, 3 warm-ups)
#
# rig's wall_ns (exec to exit, clock read in the child just before execve)
# is the figure comparable with hyperfine's per-run time; startup_ns (exec to
# the ready line) is shown beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
. scripts/env.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" >/dev/null
RIG=$PWD/build/release/host/rig
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
profiles="c c-static gc gc-stripped gccgo-static gccgo"
# rig then hyperfine for each profile in turn, so both see the same
# machine conditions (a 2-core machine drifts over a minute).
"$RIG" --state-dir "$work/state" build --boards host -w hello -p "${profiles// /,}" 2>"$work/rig.log"
for prof in $profiles; do
	"$RIG" --state-dir "$work/state" bench --boards host -w hello -p "$prof" \
		-n "$RUNS" --warmup 3 --no-resume -q 2>>"$work/rig.log"
	path=$(sqlite3 "$work/state/rig.db" \
		"select path from builds where workload='hello' and profile='$prof'")
	hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$work/hf-$prof.json" "$path" \
		>/dev/null 2>&1
done
"$RIG" --state-dir "$work/state" export --format json -w hello -b host >"$work/rig.json"
python3 - "$work" "$RUNS" <<'PY'
import json, sys, statistics, subprocess, datetime, platform, os
work, runs = sys.argv[1], int(sys.argv[2])
rows = json.load(open(f"{work}/rig.json"))
load = open("/proc/loadavg").read().split()[0]
cpu = next((l.split(":",1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
out = []
out.append("## Startup: rig vs hyperfine\n")
out.append(f"Command: `bench/startup_vs_hyperfine.sh {runs}` — {datetime.date.today()}, "
           f"{cpu}, {os.cpu_count()} cores, {platform.release()}, load average {load} at the end; "
           f"{runs} runs after 3 warm-ups each. /usr/lib/debug holds libc6-dbg here, which "
           f"is why gccgo starts in hundreds of ms (see docs/design.md).\n")
out.append("| profile | rig wall median | rig wall MAD | rig startup median | hyperfine mean | hyperfine median | hyperfine σ | rig median / hf mean | rig median / hf median |")
out.append("|---|---|---|---|---|---|---|---|---|")
for r in sorted(rows, key=lambda r: r["profile"]):
    m = r["metrics"]
    hf = json.load(open(f"{work}/hf-{r['profile']}.json"))["results"][0]
    w = m["wall_ns"]; s = m.get("startup_ns", {"median": float('nan')})
    ratio = w["median"] / (hf["mean"] * 1e9)
    ratio_med = w["median"] / (hf["median"] * 1e9)
    out.append(f"| {r['profile']} | {w['median']/1e6:.3f} ms | {w['mad']/1e6:.3f} ms | {s['median']/1e6:.3f} ms | "
               f"{hf['mean']*1e3:.3f} ms | {hf['median']*1e3:.3f} ms | {hf['stddev']*1e3:.3f} ms | {ratio:.3f} | {ratio_med:.3f} |")
out.append("")
ovh = [v for r in rows for v in r["metrics"].get("rig_overhead_ns", {"values": []})["values"]]
if ovh:
    out.append(f"rig's own overhead per sample, measured by rig around each sample (fork, pipes, report parsing, wait4; "
               f"not the SQLite commit): median {statistics.median(ovh)/1e6:.3f} ms, max {max(ovh)/1e6:.3f} ms.")
out.append("rig and hyperfine ran one after the other for each profile.")
print("\n".join(out))
PY
