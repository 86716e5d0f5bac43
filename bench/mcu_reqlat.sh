#!/usr/bin/env bash
# Request latency to an emulated MCU at fixed rates: rig bench -w hashreq
# (rig's constant-rate console load, docs/load.md "MCU boards") on the QEMU
# lm3s6965evb board, then the same firmware under the same QEMU flags
# driven by an independent client (Python: its own schedule, its own clock,
# hashlib for the answers) over a TCP chardev at the same rate, request
# size and duration. Prints P50/P99 of both. Emulated: host time through
# QEMU's UART model; run under flock /tmp/rig-heavy.lock.
#
#   bench/mcu_reqlat.sh [RIG] [RATES] [BYTES] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
RIG=${1:-build/dev/host/rig}
RATES=${2:-"50 200"}
BYTES=${3:-256}
SECS=${4:-5}
work=$(mktemp -d)
trap 'kill $qemu 2>/dev/null || true; rm -rf "$work"' EXIT
qemu=
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(date -u +%F)"
echo "board: qemu-lm3s6965evb (emulated, icount shift=0), hash requests of $BYTES bytes, ${SECS} s per rate"
make -s -C firmware/mcu MACHINE=lm3s6965evb OUT="$work/fw.elf"
for r in $RATES; do
	"$RIG" --state-dir "$work/st" bench -w hashreq -p c -b qemu-lm3s6965evb -n 1 \
		--load "rate:r=$r,d=${SECS}s,w=500ms,bytes=$BYTES" --no-resume >"$work/bench-$r.log" 2>&1 ||
		{ cat "$work/bench-$r.log"; exit 1; }
	rigfig=$(sqlite3 "$work/st/rig.db" "select group_concat(m.name || '=' || m.value, ' ') from metrics m \
		join samples s on s.id = m.sample_id where s.ok = 1 and s.id = (select max(id) from samples) \
		and m.name in ('qps','p50_us','p99_us','p99_unc_us','errors','backlog')")
	# the independent client: the same firmware, QEMU flags as boards/qemu-lm3s6965evb.yaml
	port=$((20000 + RANDOM % 20000))
	qemu-system-arm -M lm3s6965evb -icount shift=0 -nographic -monitor none -semihosting \
		-serial "tcp:127.0.0.1:$port,server=on,wait=on" -kernel "$work/fw.elf" >"$work/qemu.log" 2>&1 &
	qemu=$!
	pyfig=$(python3 - "$port" "$r" "$BYTES" "$SECS" <<'PY'
import hashlib, socket, sys, time
port, rate, n, secs = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
for _ in range(100):
    try:
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # byte-paced writes: no Nagle
        break
    except OSError: time.sleep(0.05)
f = s.makefile("rb")
while b"@rig ready" not in f.readline(): pass
def want(seq):
    b = bytes(((131 * i + 7 + seq) & 0xff) for i in range(n))
    return int.from_bytes(hashlib.sha256(b).digest()[:4], "big")
lat, bad = [], 0
t0 = time.perf_counter() + 0.5
k = 0
while True:
    due = t0 + k / rate
    if due >= t0 + secs: break
    now = time.perf_counter()
    if now < due: time.sleep(due - now)
    for ch in b"hash %d %d\n" % (k, n):   # paced like rig's 100 us per byte into QEMU's UART
        s.send(bytes([ch])); time.sleep(0.0001)
    line = f.readline().decode()
    body = line[line.rfind("@rig "):].split("*")[0].split()
    if body[2] != "hash.%d" % k or int(body[3]) != want(k): bad += 1
    lat.append(time.perf_counter() - due)   # from the intended send (corrected)
    k += 1
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1e6
print("qps=%.1f p50_us=%.0f p99_us=%.0f bad=%d" % (len(lat) / secs, pct(50), pct(99), bad))
PY
)
	kill $qemu 2>/dev/null || true; wait $qemu 2>/dev/null || true; qemu=
	echo "rate $r/s  rig: $rigfig"
	echo "rate $r/s  python client: $pyfig"
done
