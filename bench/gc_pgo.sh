#!/bin/sh
# Writes firmware/workloads/go/WORKLOAD/rig.pgo, the CPU profile gc's -pgo
# takes (profile gc-pgo in host/toolchains.yaml), from each workload's
# BenchmarkMain (pgo_test.go: the workload's main at a fixed N) run for
# BENCHTIME (default 3s). Run it under flock /tmp/rig-heavy.lock.
set -eu
cd "$(dirname "$0")/../firmware/workloads/go"
benchtime=${BENCHTIME:-3s}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for w in hello cpu cpu-pure alloc; do
	(cd "$w" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go test -run '^$' -bench . \
		-benchtime "$benchtime" -o "$tmp/$w.test" -cpuprofile rig.pgo >"$tmp/$w.out")
	echo "$w/rig.pgo: $(stat -c %s "$w/rig.pgo") B"
done
