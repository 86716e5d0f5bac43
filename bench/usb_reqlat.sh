#!/usr/bin/env bash
# Request latency to an MCU by link at the same fixed rate (issue 11 point
# 4): serial, CDC-ACM and usb-bulk. Serial is bench/mcu_reqlat.sh's QEMU
# lm3s6965evb board (rig bench -w hashreq over QEMU's UART); CDC-ACM and
# usb-bulk are rig's firmware core built for the USB test bed's guest on a
# gadget (tests/usb/models/dev_fwgadget.c), driven through /dev/ttyACM0
# (selector usb:1d6b:0105) and through the usb-bulk link (libusb) by the same
# load engine (load_console.c, via usb/mcu_latency_cdc and
# usb/mcu_latency_bulk with RATE SECONDS). In the bed, rounds interleave
# cdc, bulk and an independent client (Python: its own schedule, clock and
# hashlib) on the CDC-ACM tty. All rows are emulated. Run under flock -o
# /tmp/rig-heavy.lock (one QEMU at a time).
#
#   bench/usb_reqlat.sh [BUILD] [RATE] [BYTES(256 only)] [SECONDS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --inside ]; then
	b=$2 rate=$3 secs=$4 rounds=$5
	t=$b/tests/usb
	for k in $(seq "$rounds"); do
		bash tests/usb/bed/gadget-reset.sh
		"$t/usb_test_mcu_latency_cdc" "$rate" "$secs" | sed -n "s/^row (emulated) cdc-acm rate/round $k rig cdc-acm rate/p"
		bash tests/usb/bed/gadget-reset.sh
		"$t/usb_test_mcu_latency_bulk" "$rate" "$secs" | sed -n "s/^row (emulated) usb-bulk rate/round $k rig usb-bulk rate/p"
		bash tests/usb/bed/gadget-reset.sh
		"$t/usbmodel_fwgadget" --link acm >/tmp/fwacm.log 2>&1 &
		m=$!
		for _ in $(seq 100); do grep -q ready /tmp/fwacm.log && break; sleep 0.1; done
		python3 - "$rate" 256 "$secs" "$k" <<'PY'
import glob, hashlib, os, sys, termios, time, tty
rate, n, secs, k0 = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
dev = None
for _ in range(100):
    for d in glob.glob("/sys/class/tty/ttyACM*"):
        u = os.path.realpath(d + "/device/..")
        try:
            if open(u + "/idVendor").read().strip() == "1d6b" and open(u + "/idProduct").read().strip() == "0105":
                dev = "/dev/" + os.path.basename(d)
        except OSError: pass
    if dev: break
    time.sleep(0.1)
fd = os.open(dev, os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd)
time.sleep(0.3)
termios.tcflush(fd, termios.TCIFLUSH)
buf = b""
def line(deadline):
    global buf
    while b"\n" not in buf:
        left = deadline - time.perf_counter()
        if left <= 0: return None
        import select
        if select.select([fd], [], [], left)[0]: buf += os.read(fd, 4096)
    l, buf = buf.split(b"\n", 1)
    return l.decode(errors="replace")
def want(seq):
    b = bytes(((131 * i + 7 + seq) & 0xff) for i in range(n))
    return int.from_bytes(hashlib.sha256(b).digest()[:4], "big")
# warm-up, as rig's 500 ms: the first request after the host opened the
# tty can be lost while the line comes up; probe until one is answered
for probe in range(5):
    os.write(fd, b"hash %d 0\n" % (900000 + probe))
    got = False
    while True:
        l = line(time.perf_counter() + 1.0)
        if l is None: break
        if "hash.%d" % (900000 + probe) in l: got = True; break
    if got: break
lat, bad, k = [], 0, 0
t0 = time.perf_counter() + 0.5
while True:
    due = t0 + k / rate
    if due >= t0 + secs: break
    now = time.perf_counter()
    if now < due: time.sleep(due - now)
    os.write(fd, b"hash %d %d\n" % (k, n))
    ok = False
    while True:
        l = line(time.perf_counter() + 1.0)
        if l is None: break
        if "@rig " not in l: continue
        body = l[l.rfind("@rig "):].split("*")[0].split()
        if len(body) >= 4 and body[2] == "hash.%d" % k:
            ok = int(body[3]) == want(k)
            break
    if ok: lat.append(time.perf_counter() - due)
    else: bad += 1
    k += 1
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1e6
print("round %s python cdc-acm rate %.0f/s bytes %d: qps %.1f p50_us %.0f p99_us %.0f bad %d" % (k0, rate, n, len(lat) / secs, pct(50), pct(99), bad))
PY
		kill "$m"; wait "$m" 2>/dev/null || true
	done
	bash tests/usb/bed/gadget-reset.sh
	exit 0
fi
BUILD=${1:-build}
RATE=${2:-150}
SECS=${4:-5}
ROUNDS=${5:-3}
BUILD=$(cd "$BUILD" && pwd)
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(date -u +%F)"
echo "rate $RATE/s, hash requests of 256 bytes, ${SECS} s measured per row, $ROUNDS rounds (all emulated)"
if [ -x bench/mcu_reqlat.sh ] || [ -f bench/mcu_reqlat.sh ]; then
	bash bench/mcu_reqlat.sh "$BUILD/host/rig" "$RATE" 256 "$SECS" | sed -n 's/^rate/serial (QEMU lm3s6965evb UART) rate/p'
fi
RIG_SOURCE_DIR=$PWD RIG_BINARY_DIR=$BUILD bash tests/usb/bed/run.sh --timeout 900 --kopt dummy_hcd.num=2 \
	bash "$PWD/bench/usb_reqlat.sh" --inside "$BUILD" "$RATE" "$SECS" "$ROUNDS" | grep -E '^round'
