# Agent boards in network namespaces, sourced by tests/farm/farm_test.sh and
# bench/farm_bench.sh. farm_up N DIR starts N rig-agent instances, each in
# its own namespace joined to this one by a veth pair (10.N.x.y/30), writes
# a board file per agent into DIR/boards (tags model:x86-agent, site:netns,
# rack:a for the first half and rack:b for the second: two "hosts")
# and records what to remove; farm_down removes namespaces, links and
# agents. Needs root and `ip netns`; AGENT is the rig-agent binary.
# Each agent reads its facts through DIR/facts/I (rig-agent --facts-root,
# a test knob): a file there, such as sys/class/thermal/thermal_zone0/temp,
# stands for the kernel's, so a test can make one board hot or change its
# governor. Board files carry a health check (FARM_HEALTH=0: none).
#
#   farm_ns_ok                 0 when namespaces can be made here
#   farm_up N DIR              -> DIR/boards/agent-I.yaml, DIR/pids/I
#   farm_agent_start I DIR     (re)start agent I; farm_agent_wait I
#   farm_down DIR

farm_prefix=rf$(( $$ % 10000 ))
# a subnet of its own too, so that leftovers of another run (or another
# farm test running at the same time) cannot collide: the first 10.X/16
# from this pid on that no address of this host is in
farm_net_pick() {
  local k used
  used=$(ip -4 -o addr 2>/dev/null)
  for k in $(seq 0 149); do
    farm_net=10.$(( 100 + ($$ + k) % 150 ))
    case "$used" in *" $farm_net."*) ;; *) return 0 ;; esac
  done
}
farm_net_pick

farm_ns_ok() {
  [ "$(id -u)" = 0 ] || { echo "not root"; return 1; }
  command -v ip >/dev/null || { echo "no ip (iproute2)"; return 1; }
  ip netns add "${farm_prefix}probe" 2>/dev/null || { echo "ip netns add fails here"; return 1; }
  ip netns del "${farm_prefix}probe"
}

# the host side and the namespace side of pair i (1-based)
farm_addr() { local a=$(( $1 * 4 )); echo "$farm_net.$(( a / 256 )).$(( a % 256 + $2 ))"; }

# (re)starts agent i in its namespace (after a test killed it)
farm_agent_start() {
  ip netns exec "${farm_prefix}n$1" "$AGENT" --key "$2/boards/agent.key" --work "$2/work$1" \
    --listen "$(farm_addr "$1" 2):7022" --facts-root "$2/facts/$1" 2>>"$2/agent$1.log" &
  echo $! >"$2/pids/$1"
}

# once the command READY... succeeds (polled every 10 ms, up to 10 s),
# stops (SIGSTOP) the first process in agent i's namespace that is not
# rig-agent itself: its workload, hung as on a board that stopped. 1 when
# none appeared within 10 s more.
farm_stop_workload() { # farm_stop_workload I READY...
  local i=$1 p
  shift
  for _ in $(seq 1000); do "$@" && break; sleep 0.01; done
  for _ in $(seq 1000); do
    for p in $(ip netns pids "${farm_prefix}n$i" 2>/dev/null); do
      [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$(readlink -f "$AGENT")" ] && continue
      kill -STOP "$p" 2>/dev/null && return 0
    done
    sleep 0.01
  done
  return 1
}

# waits until agent i answers (up to 10 s)
farm_agent_wait() {
  for _ in $(seq 100); do
    timeout 1 bash -c "</dev/tcp/$(farm_addr "$1" 2)/7022" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

farm_up() {
  local n=$1 dir=$2 i ns hs ip
  mkdir -p "$dir/boards" "$dir/pids"
  chmod 755 "$dir"
  printf '%s\n' f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff >"$dir/boards/agent.key"
  chmod 600 "$dir/boards/agent.key"
  for i in $(seq 1 "$n"); do
    ns=${farm_prefix}n$i hs=${farm_prefix}h$i ip=$(farm_addr "$i" 2) rack=a
    [ "$i" -gt $(( n / 2 )) ] && rack=b
    ip netns add "$ns"
    echo "$ns" >>"$dir/netns"
    ip link add "$hs" type veth peer name v0 netns "$ns"
    ip addr add "$(farm_addr "$i" 1)/30" dev "$hs"
    ip link set "$hs" up
    ip -n "$ns" addr add "$ip/30" dev v0
    ip -n "$ns" link set v0 up
    ip -n "$ns" link set lo up
    mkdir -p "$dir/work$i" "$dir/facts/$i"
    chmod 755 "$dir/work$i"   # the agent runs workloads as nobody
    farm_agent_start "$i" "$dir"
    cat >"$dir/boards/agent-$i.yaml" <<YAML
name: agent-$i
kind: agent
description: rig-agent $i in network namespace $ns
emulated: false
target: {os: linux, arch: x86_64}
tags: {model: x86-agent, site: netns, rack: $rack}
samples: ${FARM_SAMPLES:-3}
warmup: 0
timeout: 60s
iterations: {cpu: ${FARM_CPU_ITERS:-300}}
agent:
  host: $ip
  port: 7022
  key_file: agent.key
  transport: tcp
  hot_c: 80
YAML
    [ "${FARM_HEALTH:-1}" = 1 ] && cat >>"$dir/boards/agent-$i.yaml" <<YAML
health: {samples: 2, iterations: ${FARM_HEALTH_ITERS:-500}, tolerance_pct: 100}
YAML
  done
  # every agent answers before the bench starts
  for i in $(seq 1 "$n"); do farm_agent_wait "$i"; done
}

farm_down() {
  local dir=$1 f ns
  for f in "$dir"/pids/*; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  wait 2>/dev/null
  if [ -f "$dir/netns" ]; then
    while read -r ns; do ip netns del "$ns" 2>/dev/null; done <"$dir/netns"
  fi
  rm -f "$dir/netns"
}
