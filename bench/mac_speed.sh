#!/usr/bin/env bash
# Per-byte MACs on this machine (bench/mac_speed.c): BLAKE2b-256 keyed (the
# agent's chunk digest), Poly1305 and GMAC (AES-256-GCM over associated
# data), 48 KiB buffers, ROUNDS interleaved rounds of MIB each; prints the
# rounds and each function's median MB/s. Not a test: numbers go to
# docs/benchmarks.md by hand.
#   usage: bench/mac_speed.sh [ROUNDS] [MIB]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/rig-mac.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cc -std=c11 -O2 -o "$tmp/mac_speed" "$root/bench/mac_speed.c" -lsodium
echo "# mac_speed: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), libsodium $(pkg-config --modversion libsodium 2>/dev/null || echo '?')"
"$tmp/mac_speed" "${1:-5}" "${2:-256}" | tee "$tmp/log"
awk '$3 != "-" { n[$2]++; v[$2, n[$2]] = $3 }
END {
	for (k in n) {
		m = n[k]
		for (i = 1; i <= m; i++) a[i] = v[k, i]
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		printf "%-14s median %6.0f MB/s (%d rounds, %.0f-%.0f)\n", k, m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2, m, a[1], a[m]
	}
}' "$tmp/log" | sort
