#!/usr/bin/env bash
# Upload throughput of the agent path, before and after a change, against
# the kernel alone (not a timed test; results go to docs/benchmarks.md by
# hand). Run under the heavy-run lock, as root for part 2:
#
#   flock /tmp/rig-heavy.lock bench/agent_upload.sh BEFORE_BUILD AFTER_BUILD [ROUNDS=5] [BOARDS=64]
#
# BEFORE_BUILD and AFTER_BUILD are Release builds with rig-agent and
# rig-agent-ctl (e.g. of the previous commit, from `git archive`); AFTER_BUILD
# must be of this tree: tests/farm/netns.sh starts its agents with this
# tree's options. UPLOAD_BYTES (64 MiB) and FANOUT_BYTES (2 MiB) change the
# sizes.
#
# 1. Loopback, 64 MiB, ROUNDS interleaved rounds of: a plain TCP copy into
#    a fsynced file (bench/tcp_copy.c), the same with Python's socket module
#    (an independent cross-check), the BEFORE agent's upload, the AFTER one.
# 2. Fan-out: BOARDS agents each in its own network namespace with a veth
#    pair (tests/farm/netns.sh), one BEFORE and one AFTER agent in each; a
#    2 MiB artifact to all of them at once, interleaved: plain TCP copies
#    (tcp_copy send, a thread per namespace), BEFORE (one rig-agent-ctl put
#    process per board, as its client can only do), AFTER the same way,
#    BEFORE's `rig-agent-ctl fanout` when it has one, and AFTER's (one
#    process, sessions opened first, the artifact hashed once). The
#    controller's own CPU time comes from /usr/bin/time. Namespaces and
#    agents are removed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
before=$(cd "${1:?usage: agent_upload.sh BEFORE_BUILD AFTER_BUILD [ROUNDS] [BOARDS]}" && pwd)
after=$(cd "${2:?usage: agent_upload.sh BEFORE_BUILD AFTER_BUILD [ROUNDS] [BOARDS]}" && pwd)
ROUNDS=${3:-5}
BOARDS=${4:-64}
for b in "$before" "$after"; do
  for p in firmware/agent/rig-agent firmware/agent/rig-agent-ctl; do
    [ -x "$b/$p" ] || { echo "agent_upload: no $b/$p (build it)" >&2; exit 1; }
  done
done
tmp=$(mktemp -d /tmp/rig-agent-upload.XXXXXX)
pids=()
cleanup() {
  set +e # farm_down's kill of an agent already gone must not stop the clean-up
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "${farm_dir:-}" ] && farm_down "$farm_dir"
  rm -rf "$tmp"
}
trap cleanup EXIT
cc -std=c11 -O2 -pthread -o "$tmp/tcp_copy" "$root/bench/tcp_copy.c"
mbps() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.0f", b / (ns / 1e9) / 1e6 }'; }
put_ns() { "$@" 2>&1 >/dev/null | sed -n 's/^put_ns=//p'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---- 1. loopback
size=${UPLOAD_BYTES:-$((64 << 20))}
head -c "$size" /dev/urandom >"$tmp/blob"
printf '%s\n' 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff >"$tmp/key"
chmod 600 "$tmp/key"
chmod 755 "$tmp"
start_agent() { # BUILD WORKDIR; the port lands in WORKDIR.port
  mkdir -p "$2"; chmod 755 "$2"; rm -f "$2.port"
  "$1/firmware/agent/rig-agent" --key "$tmp/key" --work "$2" --listen 127.0.0.1:0 \
    --port-file "$2.port" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$2.port" ] && break; sleep 0.05; done
}
start_agent "$before" "$tmp/wb"
start_agent "$after" "$tmp/wa"
bport=$(cat "$tmp/wb.port")
aport=$(cat "$tmp/wa.port")
cport=$(free_port)
"$tmp/tcp_copy" recv 127.0.0.1 "$cport" "$tmp/copy" >/dev/null & pids+=($!)
pport=$(free_port)
python3 - "$pport" "$tmp/pycopy" >/dev/null <<'PY' & pids+=($!)
import os, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
while True:
    c, _ = s.accept()
    with open(sys.argv[2], "wb") as f:
        while True:
            b = c.recv(1 << 20)
            if not b: break
            f.write(b)
        f.flush(); os.fsync(f.fileno())
    c.close()
PY
sleep 0.5
pysend() { python3 - "$1" "$2" <<'PY'
import socket, sys, time
data = open(sys.argv[2], "rb").read()
t0 = time.monotonic_ns()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(data); s.shutdown(socket.SHUT_WR)
while s.recv(65536): pass
print(time.monotonic_ns() - t0)
PY
}
echo "Loopback, $size bytes per transfer, MB/s (10^6 B/s), $ROUNDS rounds interleaved:"
echo
echo "| round | TCP copy (tcp_copy) | TCP copy (Python) | agent before | agent after |"
echo "| --- | --- | --- | --- | --- |"
for r in $(seq 1 "$ROUNDS"); do
  c=$("$tmp/tcp_copy" send "$size" "127.0.0.1:$cport" | sed -n 's/^copy_ns=//p')
  p=$(pysend "$pport" "$tmp/blob")
  b=$(put_ns "$before/firmware/agent/rig-agent-ctl" --key "$tmp/key" --tcp "127.0.0.1:$bport" put "$tmp/blob" blob)
  a=$(put_ns "$after/firmware/agent/rig-agent-ctl" --key "$tmp/key" --tcp "127.0.0.1:$aport" put "$tmp/blob" blob)
  cmp -s "$tmp/blob" "$tmp/wa/blob" || { echo "agent_upload: the uploaded file differs" >&2; exit 1; }
  echo "| $r | $(mbps $size "$c") | $(mbps $size "$p") | $(mbps $size "$b") | $(mbps $size "$a") |"
done
echo

# ---- 2. fan-out to BOARDS namespaces
if [ "$(id -u)" != 0 ]; then
  echo "fan-out skipped: needs root for network namespaces"
  exit 0
fi
. "$root/tests/farm/netns.sh"
why=$(farm_ns_ok) || { echo "fan-out skipped: $why"; exit 0; }
farm_dir=$tmp/farm
AGENT=$after/firmware/agent/rig-agent farm_up "$BOARDS" "$farm_dir" # AFTER agents on 7022
art=${FANOUT_BYTES:-$((2 << 20))}
head -c "$art" /dev/urandom >"$tmp/art"
fkey=$farm_dir/boards/agent.key
after_addrs=() before_addrs=() copy_addrs=()
i=0
while read -r ns; do
  i=$((i + 1))
  ip=$(farm_addr "$i" 2)
  mkdir -p "$farm_dir/before$i" "$farm_dir/copy$i"; chmod 755 "$farm_dir/before$i"
  ip netns exec "$ns" "$before/firmware/agent/rig-agent" --key "$fkey" --work "$farm_dir/before$i" \
    --listen "$ip:7023" >/dev/null 2>&1 & pids+=($!)
  ip netns exec "$ns" "$tmp/tcp_copy" recv "$ip" 7024 "$farm_dir/copy$i/art" >/dev/null & pids+=($!)
  after_addrs+=("$ip:7022") before_addrs+=("$ip:7023") copy_addrs+=("$ip:7024")
done <"$farm_dir/netns"
for a in "${before_addrs[@]}" "${copy_addrs[@]}"; do
  for _ in $(seq 100); do timeout 1 bash -c "</dev/tcp/${a%:*}/${a#*:}" 2>/dev/null && break; sleep 0.1; done
done
sleep 0.5
# the copy receivers saw the probes above as empty copies: harmless
procs() { # CTL ADDR... : one put process per board, wall ns on stdout
  local ctl=$1 t0; shift
  t0=$(date +%s%N)
  printf '%s\n' "$@" | xargs -P "$BOARDS" -I{} "$ctl" --key "$fkey" --tcp {} put "$tmp/art" art 2>/dev/null
  echo $(( $(date +%s%N) - t0 ))
}
total=$((art * BOARDS))
echo "Fan-out: $art bytes to each of $BOARDS agents in network namespaces (veth), $total bytes in all, MB/s of payload delivered; controller CPU = user+sys of the sending process(es) by /usr/bin/time:"
echo
# BEFORE's own fanout too, when its rig-agent-ctl has one (protocol 3 on)
before_fanout=
case $("$before/firmware/agent/rig-agent-ctl" 2>&1 || true) in *fanout*) before_fanout=1 ;; esac
echo "| round | plain TCP copies (tcp_copy, thread per board) | before: put process per board | after: put process per board | before: fanout | before: fanout controller CPU | after: rig-agent-ctl fanout (threads, hashed once) | fanout controller CPU | fanout payload per controller CPU second |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for r in $(seq 1 "$ROUNDS"); do
  c=$("$tmp/tcp_copy" send "$art" "${copy_addrs[@]}" | sed -n 's/^copy_ns=//p')
  b=$(procs "$before/firmware/agent/rig-agent-ctl" "${before_addrs[@]}")
  a=$(procs "$after/firmware/agent/rig-agent-ctl" "${after_addrs[@]}")
  bf=- bcpu=-
  if [ -n "$before_fanout" ]; then
    /usr/bin/time -f '%U %S' -o "$tmp/bcpu" "$before/firmware/agent/rig-agent-ctl" --key "$fkey" \
      fanout "$tmp/art" art2 "${before_addrs[@]}" 2>"$tmp/bfan" || { cat "$tmp/bfan" >&2; exit 1; }
    bf=$(mbps $total "$(sed -n 's/^upload_ns=//p' "$tmp/bfan")")
    bcpu="$(awk '{ printf "%.2f", $1 + $2 }' "$tmp/bcpu") s"
  fi
  /usr/bin/time -f '%U %S' -o "$tmp/cpu" "$after/firmware/agent/rig-agent-ctl" --key "$fkey" \
    fanout "$tmp/art" art2 "${after_addrs[@]}" 2>"$tmp/fan" || { cat "$tmp/fan" >&2; exit 1; }
  f=$(sed -n 's/^upload_ns=//p' "$tmp/fan")
  cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$tmp/cpu")
  for k in 1 "$BOARDS"; do
    cmp -s "$tmp/art" "$farm_dir/work$k/art2" || { echo "agent_upload: board $k's copy differs" >&2; exit 1; }
  done
  echo "| $r | $(mbps $total "$c") | $(mbps $total "$b") | $(mbps $total "$a") | $bf | $bcpu | $(mbps $total "$f") | ${cpu} s | $(awk -v b=$total -v c="$cpu" 'BEGIN { if (c > 0) printf "%.0f MB/s", b / c / 1e6; else print "-" }') |"
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
