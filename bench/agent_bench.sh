#!/usr/bin/env bash
# Benchmarks of the agent path (not a timed test; results go to
# docs/benchmarks.md by hand). Needs a build (BUILD, default build-pi... or
# build) and the emulated Pi's kernel (scripts/pi-kernel.sh).
#
#   bench/agent_bench.sh [BUILD_DIR]
#
# 1. Upload throughput: plain `cat` copy on this disk; the x86_64 agent over
#    loopback TCP; the emulated Pi over QEMU's user-mode TCP; the emulated
#    Pi over its UART (against the 115200 8N1 line rate, 11520 B/s).
# 2. Startup of the same C hello on the emulated Pi: the agent's startup_ns
#    and wall_ns (board clock) against hyperfine running on the same VM.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}   # use a build without sanitizers for throughput
ctl=$build/firmware/agent/rig-agent-ctl
agent=$build/firmware/agent/rig-agent
cache=${RIG_CACHE_DIR:-$HOME/.cache/rig}
kdir=$cache/pi-kernel
[ -x "$ctl" ] && [ -x "$agent" ] || { echo "agent_bench: build first ($ctl)" >&2; exit 1; }
[ -s "$kdir/vmlinuz" ] || { echo "agent_bench: no kernel: scripts/pi-kernel.sh" >&2; exit 1; }
img=$("$root/firmware/pi-image/mkimage.sh" --kernel-dir "$kdir")
key=$(dirname "$img")/agent.key

tmp=$(mktemp -d /tmp/rig-agent-bench.XXXXXX)
qpid=
apid=
cleanup() {
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null || true
  [ -n "$apid" ] && kill "$apid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

mbps() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.2f", b / (ns / 1e9) / 1e6 }'; }
put_ns() { "$ctl" "$@" 2>&1 >/dev/null | sed -n 's/^put_ns=//p'; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"
echo

# --- 1a. local copy and the x86_64 agent on loopback
head -c $((64 << 20)) /dev/urandom >"$tmp/blob64"
sync
t0=$(date +%s%N); cat "$tmp/blob64" >"$tmp/copy"; sync "$tmp/copy"; t1=$(date +%s%N)
echo "| path | bytes | time | MB/s |"
echo "| --- | --- | --- | --- |"
echo "| cat to a file on this disk (+sync) | $((64 << 20)) | $(( (t1 - t0) / 1000000 )) ms | $(mbps $((64 << 20)) $((t1 - t0))) |"
rm -f "$tmp/copy"
mkdir -p "$tmp/work"
chmod 755 "$tmp" "$tmp/work"
cp "$key" "$tmp/key"; chmod 600 "$tmp/key"
"$agent" --key "$tmp/key" --work "$tmp/work" --listen 127.0.0.1:0 --port-file "$tmp/port" 2>/dev/null &
apid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
lport=$(cat "$tmp/port")
ns=$(put_ns --key "$tmp/key" --tcp "127.0.0.1:$lport" put "$tmp/blob64" blob)
echo "| rig-agent x86_64, loopback TCP | $((64 << 20)) | $((ns / 1000000)) ms | $(mbps $((64 << 20)) "$ns") |"
kill "$apid"; apid=

# --- boot the emulated Pi with both links
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
qemu-system-aarch64 -M virt -cpu cortex-a53 -m 512M -smp 1 -display none -monitor none -no-reboot \
  -kernel "$kdir/vmlinuz" -initrd "$img" -append 'console=ttyAMA0 quiet panic=-1' \
  -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:7022" -device virtio-net-device,netdev=n0 \
  -chardev "socket,id=uart,path=$tmp/uart.sock,server=on,wait=off,logfile=$tmp/console.log" \
  -serial chardev:uart >"$tmp/qemu.log" 2>&1 &
qpid=$!
for _ in $(seq 600); do grep -q 'starting rig-agent' "$tmp/console.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
vm=(--key "$key" --tcp "127.0.0.1:$port")
uart=(--key "$key" --unix "$tmp/uart.sock")

head -c $((16 << 20)) /dev/urandom >"$tmp/blob16"
ns=$(put_ns "${vm[@]}" put "$tmp/blob16" blob)
echo "| emulated Pi, QEMU user-mode TCP | $((16 << 20)) | $((ns / 1000000)) ms | $(mbps $((16 << 20)) "$ns") |"
head -c $((256 << 10)) /dev/urandom >"$tmp/blob256k"
ns=$(put_ns "${uart[@]}" put "$tmp/blob256k" blob)
echo "| emulated Pi, PL011 UART (line rate 115200 8N1 = 0.0115 MB/s) | $((256 << 10)) | $((ns / 1000000)) ms | $(mbps $((256 << 10)) "$ns") |"
echo

# --- 2. startup of a C hello on the emulated Pi
aarch64-linux-gnu-gcc -O2 -I"$root/firmware/protocol" -I"$root/firmware/workloads/c" -o "$tmp/hello" \
  "$root/firmware/workloads/c/hello.c" "$root/firmware/workloads/c/rig_wl.c" \
  "$root/firmware/protocol/rig_report.c" -lm
"$ctl" "${vm[@]}" put "$tmp/hello" hello 2>/dev/null
"$ctl" "${vm[@]}" put "$kdir/hyperfine/usr/bin/hyperfine" hyperfine 2>/dev/null
runs=30
for i in $(seq 3); do "$ctl" "${vm[@]}" run hello >/dev/null 2>&1; done
: >"$tmp/startup"; : >"$tmp/wall"
for i in $(seq $runs); do
  "$ctl" "${vm[@]}" run hello 2>"$tmp/m" >/dev/null
  sed -n 's/^startup_ns=//p' "$tmp/m" >>"$tmp/startup"
  sed -n 's/^wall_ns=//p' "$tmp/m" >>"$tmp/wall"
done
s_med=$(median <"$tmp/startup")
w_med=$(median <"$tmp/wall")
# hyperfine runs as the agent's unprivileged user: it writes its JSON to the
# VM's /tmp and a tiny static cat brings it back
printf '#include <stdio.h>\nint main(int c,char**v){FILE*f=fopen(v[1],"r");int ch;if(!f)return 1;while((ch=getc(f))!=EOF)putchar(ch);return 0;}\n' >"$tmp/catf.c"
aarch64-linux-gnu-gcc -static -O2 -o "$tmp/catf" "$tmp/catf.c"
"$ctl" "${vm[@]}" put "$tmp/catf" catf 2>/dev/null
"$ctl" "${vm[@]}" run --run-timeout 300000 hyperfine -N --warmup 3 --runs $runs --export-json /tmp/hf.json \
  /var/rig/hello >"$tmp/hf.txt" 2>&1 || true
"$ctl" "${vm[@]}" run catf /tmp/hf.json 2>/dev/null >"$tmp/hf.out" || true
hf=$(python3 - "$tmp/hf.out" <<'PY'
import json, sys
t = open(sys.argv[1]).read()
j = json.loads(t[t.index('{'):t.rindex('}') + 1])
r = j["results"][0]
print("%.2f %.2f %.2f" % (r["mean"] * 1e3, r["median"] * 1e3, r["stddev"] * 1e3))
PY
)
echo "C hello (aarch64-linux-gnu-gcc -O2, dynamic) on the emulated Pi, $runs runs each:"
echo
echo "| measured by | median | notes |"
echo "| --- | --- | --- |"
echo "| rig-agent startup_ns (exec to ready line) | $(awk -v n="$s_med" 'BEGIN{printf "%.2f", n/1e6}') ms | board's CLOCK_MONOTONIC |"
echo "| rig-agent wall_ns (exec to exit) | $(awk -v n="$w_med" 'BEGIN{printf "%.2f", n/1e6}') ms | board's CLOCK_MONOTONIC |"
set -- $hf
echo "| hyperfine -N on the VM (exec to exit) | $2 ms | mean $1 ms, stddev $3 ms |"
