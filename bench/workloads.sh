#!/usr/bin/env bash
# Builds the cpu, cpu-pure and alloc workloads with gc, gccgo (-O2 on every
# package) and gcc (-O2), runs each RUNS times at its default N, and writes
# the medians of each workload's own results into docs/benchmarks.md
# (section "Workloads: gc vs gccgo vs C"). As an independent check of the
# workloads' clocks, every run is also timed from outside (Python's
# time.monotonic_ns around the whole process): that wall time includes
# process start and exit, so wall/elapsed must be >= 1 in every run.
#
#   bench/workloads.sh [RUNS]     (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$PWD/firmware/workloads
for w in hello cpu cpu-pure alloc; do
	(cd "$src/go/$w" && "$GO" build -o "$work/gc-$w" .)
	(cd "$src/go/$w" && "$GO" build -compiler=gccgo -gccgoflags=all=-O2 -o "$work/gccgo-$w" .)
	gcc -O2 -I"$src/../protocol" -I"$src/c" -o "$work/c-$w" "$src/c/$w.c" "$src/c/rig_wl.c" \
		"$src/../protocol/rig_report.c" -lm
done
# start-up cost, which the wall column above includes
hyperfine -N --warmup 3 --runs 20 --export-json "$work/hello.json" \
	-n gc "$work/gc-hello" -n gccgo "$work/gccgo-hello" -n c "$work/c-hello" >/dev/null 2>&1
python3 - "$work" "$RUNS" <<'PY'
import datetime, json, os, platform, re, statistics, subprocess, sys, time
work, runs = sys.argv[1], int(sys.argv[2])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
            if l.startswith("model name")), "?")
line = re.compile(r"@rig result (\S+) (\S+) (\S+)\*")
rows = ["## Workloads: gc vs gccgo vs C\n",
        f"Command: `bench/workloads.sh {runs}` — {datetime.date.today()}, {cpu}, "
        f"{os.cpu_count()} cores, {platform.release()}; default N, {runs} runs each "
        "(medians), gc/gccgo/gcc -O2. The machine is shared with other jobs: "
        "compare within a row, not across days.\n",
        "| workload | build | throughput (ops/s) | elapsed_ns | wall (ns) | wall/elapsed min..max | check |",
        "|---|---|---:|---:|---:|---:|---|"]
for w in ["cpu", "cpu-pure", "alloc"]:
    for b in ["gc", "gccgo", "c"]:
        res, ratios, walls = {}, [], []
        for i in range(runs):
            t0 = time.monotonic_ns()
            out = subprocess.run([f"{work}/{b}-{w}"], capture_output=True, text=True,
                                 check=True).stdout
            wall = time.monotonic_ns() - t0
            got = {m.group(1): m.group(2) for m in line.finditer(out)}
            for k, v in got.items():
                res.setdefault(k, []).append(v)
            walls.append(wall)
            ratios.append(wall / float(got["elapsed_ns"]))
        med = lambda k: statistics.median(float(v) for v in res[k])
        checks = sorted(set(res["check"]))
        rows.append(f"| {w} | {b} | {med('throughput'):.0f} | {med('elapsed_ns'):.0f} | "
                    f"{statistics.median(walls):.0f} | {min(ratios):.3f}..{max(ratios):.3f} | "
                    f"{', '.join(checks)} |")
hello = json.load(open(f"{work}/hello.json"))["results"]
rows.append("")
rows.append("Start-up (`hyperfine -N --warmup 3 --runs 20` on hello): " + ", ".join(
    f"{r['command']} {r['mean'] * 1e3:.1f} ms ± {r['stddev'] * 1e3:.1f}" for r in hello) +
    ". gccgo's dynamically linked libgo start-up is most of its wall - elapsed gap.")
rows.append("")
section = "\n".join(rows) + "\n"
path = "docs/benchmarks.md"
text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n"
start = text.find("## Workloads: gc vs gccgo vs C")
if start >= 0:
    end = text.find("\n## ", start + 1)
    text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
print(section)
PY
