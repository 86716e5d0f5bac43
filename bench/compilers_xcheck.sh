#!/bin/sh
# Cross-checks the rows of a finished `rig bench` with independent tools,
# per artifact the bench built and measured:
#
#   sizes     rig's TEXT/DATA against `size` (ELF: Berkeley text, data, bss;
#             arm-none-eabi-size for Cortex-M images) or `wasm-objdump -h`
#             (.wasm: Code and Data section payloads)
#   startup   rig's startup and wall medians against `hyperfine -N` on the
#             same file (host: the program itself; wasi-wazero and
#             wasi-wasmtime: the runtime's command line, as the board runs it)
#   ops/s     rig's median against ROUNDS interleaved runs of every
#             artifact of a workload on the host (A B C A B C ...), each
#             workload's own throughput line, medians
#
#   bench/compilers_xcheck.sh STATE_DIR [ROUNDS] [HF_RUNS]
#
# PAIRED=1: for each hello row, rig measures it again (HF_RUNS samples, a
# new run in STATE_DIR) right before hyperfine does, and that run's medians
# are compared (this machine's load drifts between a bench and a later
# cross-check).
#
# STATE_DIR is the --state-dir of the bench (its rig.db and cache). Prints
# one markdown table per check; ONLY=sizes,startup,ops picks some checks,
# BOARDS=a,b some boards. Run it under flock /tmp/rig-heavy.lock.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
state=${1:?usage: bench/compilers_xcheck.sh STATE_DIR [ROUNDS] [HF_RUNS]}
rounds=${2:-10}
hfruns=${3:-20}
rig=${RIG:-$src/build/dev/host/rig}
command -v hyperfine >/dev/null || { echo "compilers_xcheck.sh: hyperfine is not installed" >&2; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The native wasmtime behind a pyenv shim or PyPI console script, as the
# wasi boards resolve it (bench/wasm_startup.sh resolve), so both tools time
# the same program.
wasmtime_exe=$(command -v wasmtime || echo wasmtime)
if [ "$(head -c2 "$wasmtime_exe" 2>/dev/null)" = '#!' ]; then
	p=$(pyenv which wasmtime 2>/dev/null || echo "$wasmtime_exe")
	mod=$(sed -n 's/^from \([A-Za-z0-9_.]*\) import main.*/\1/p' "$p")
	py=$(head -1 "$p" | cut -c3-)
	d=$("$py" -c "import os, $mod as m; print(os.path.dirname(m.__file__))" 2>/dev/null) &&
		[ -x "$d/wasmtime" ] && wasmtime_exe=$d/wasmtime
fi
export RIG_XCHECK_WASMTIME="$wasmtime_exe" RIG="$rig" STATE="$state"
"$rig" --state-dir "$state" export --format json >"$work/rig.json"
sqlite3 -separator '	' "$state/rig.db" \
	"select distinct sha256, path from builds" >"$work/paths.tsv"
python3 - "$work" "$rounds" "$hfruns" <<'PY'
import json, os, re, statistics, subprocess, sys
work, rounds, hfruns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = [r for r in json.load(open(f"{work}/rig.json")) if r["n_ok"]]
if os.environ.get("BOARDS"):
    rows = [r for r in rows if r["board"] in os.environ["BOARDS"].split(",")]
paths = dict(l.rstrip("\n").split("\t") for l in open(f"{work}/paths.tsv") if "\t" in l)
for r in rows:
    r["path"] = paths.get(r["sha256"], "")

def med(r, m):
    return r["metrics"][m]["median"] if m in r["metrics"] else float("nan")

def kib(b): return f"{b / 1024:.1f} KiB" if b < 1048576 else f"{b / 1048576:.2f} MiB"

only = os.environ.get("ONLY", "sizes,startup,ops").split(",")

def hf_cmd(r):
    b, p = r["board"], r["path"]
    if b == "host":
        return [p]
    if b == "wasi-wazero":
        return ["wazero", "run", p]
    if b == "wasi-wasmtime":
        return [os.environ["RIG_XCHECK_WASMTIME"], "run", "-C", "cache=n", p]
    return None

if "sizes" in only:
    print("### Sizes: rig against size / wasm-objdump -h\n")
    print("| board | workload | profile | rig TEXT | rig DATA+BSS | tool | tool text | tool data+bss | equal |")
    print("|---|---|---|---:|---:|---|---:|---:|---|")
    seen = set()
    for r in sorted(rows, key=lambda r: (r["board"], r["workload"], r["profile"])):
        p, s = r["path"], r["sizes"]
        if not p or not os.path.exists(p) or (r["board"], r["workload"], r["profile"]) in seen:
            continue
        seen.add((r["board"], r["workload"], r["profile"]))
        if r["target"].startswith("wasip1"):
            out = subprocess.run(["wasm-objdump", "-h", p], capture_output=True, text=True).stdout
            sec = {m.group(1): int(m.group(2), 16)
                   for m in re.finditer(r"^\s*(\w+) start=\S+ end=\S+ \(size=(0x[0-9a-f]+)\)", out, re.M)}
            tt, td, tool = sec.get("Code", 0), sec.get("Data", 0), "wasm-objdump -h"
            rt, rd = s["text"], s["data"]
        else:
            size = "arm-none-eabi-size" if r["target"].startswith("none/") else "size"
            f = subprocess.run([size, p], capture_output=True, text=True).stdout.split("\n")[1].split()
            tt, td, tool = int(f[0]), int(f[1]) + int(f[2]), size
            rt, rd = s["text"], s["data"] + s["bss"]
        print(f"| {r['board']} | {r['workload']} | {r['profile']} | {rt:,} | {rd:,} | {tool} | {tt:,} | {td:,} | "
              f"{'yes' if (rt, rd) == (tt, td) else 'NO'} |")


if "startup" in only:
    print("\n### Startup of hello: rig against hyperfine -N\n")
    print(f"hyperfine `-N --warmup 3 --runs {hfruns}`, one profile after another.\n")
    print("Host rows also: peak RSS by `/usr/bin/time -f %M` (median of 5) against rig's PEAK RAM.\n")
    print("| board | profile | rig startup | rig wall | hyperfine mean ± σ | hyperfine median | rig wall / hf median | rig PEAK RAM | time -f %M |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in sorted(rows, key=lambda r: (r["board"], r["profile"])):
        cmd = hf_cmd(r) if r["workload"] == "hello" else None
        if not cmd or not os.path.exists(r["path"]):
            continue
        j = f"{work}/hf.json"
        if subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", str(hfruns), "--export-json", j,
                           " ".join(cmd)], capture_output=True).returncode:
            print(f"| {r['board']} | {r['profile']} | - | - | hyperfine failed | - |")
            continue
        h = json.load(open(j))["results"][0]
        w = med(r, "wall_ns")
        if os.environ.get("PAIRED"):
            # rig again just before hyperfine, so both see the same machine
            subprocess.run([os.environ["RIG"], "--state-dir", os.environ["STATE"], "bench", "-b", r["board"],
                            "-w", "hello", "-p", r["profile"], "-n", str(hfruns), "--warmup", "3",
                            "--no-resume", "-q"], capture_output=True)
            q = ("select m.value from metrics m join samples s on s.id = m.sample_id where m.name = '{}' "
                 "and s.ok = 1 and s.run_id = (select max(r.id) from runs r join builds b on b.id = r.build_id "
                 "where r.board = '{}' and r.workload = 'hello' and b.profile = '{}')")

            def latest(name):
                out = subprocess.run(["sqlite3", os.environ["STATE"] + "/rig.db",
                                      q.format(name, r["board"], r["profile"])],
                                     capture_output=True, text=True).stdout.split()
                return statistics.median(float(v) for v in out) if out else float("nan")
            w = latest("wall_ns")
            r["metrics"]["startup_ns"] = {"median": latest("startup_ns")}
            subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", str(hfruns), "--export-json", j,
                            " ".join(cmd)], capture_output=True)
            h = json.load(open(j))["results"][0]
        rss = "-"
        if r["board"] == "host":
            kb = []
            for _ in range(5):
                t = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
                kb.append(int(t.stderr.strip().split("\n")[-1]))
            rss = f"{statistics.median(kb):,} KiB"
        print(f"| {r['board']} | {r['profile']} | {med(r, 'startup_ns') / 1e6:.2f} ms | {w / 1e6:.2f} ms | "
              f"{h['mean'] * 1e3:.2f} ± {h['stddev'] * 1e3:.2f} ms | {h['median'] * 1e3:.2f} ms | "
              f"{w / (h['median'] * 1e9):.2f} | "
              f"{med(r, 'ram_bytes') / 1024:,.0f} KiB | {rss} |")


if "ops" in only:
    print(f"\n### Throughput on the host: rig against {rounds} interleaved rounds\n")
    print("| workload | profile | rig ops/s | interleaved median | min | max | rig / interleaved |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for w in ("cpu", "cpu-pure", "alloc"):
        arts = [r for r in rows if r["board"] == "host" and r["workload"] == w and "throughput" in r["metrics"]
                and os.path.exists(r["path"])]
        got = {r["profile"]: [] for r in arts}
        for _ in range(rounds):
            for r in arts:
                n = [str(r["iterations"])] if r["iterations"] else []
                out = subprocess.run([r["path"]] + n, capture_output=True, text=True).stdout
                m = re.search(r"^@rig result throughput (\S+) ", out, re.M)
                if m:
                    got[r["profile"]].append(float(m.group(1)))
        for r in sorted(arts, key=lambda r: r["profile"]):
            v = got[r["profile"]]
            if not v:
                continue
            m, rm = statistics.median(v), r["metrics"]["throughput"]["median"]
            print(f"| {w} | {r['profile']} | {rm / 1e3:.1f}k | {m / 1e3:.1f}k | {min(v) / 1e3:.1f}k | "
                  f"{max(v) / 1e3:.1f}k | {rm / m:.2f} |")
PY
