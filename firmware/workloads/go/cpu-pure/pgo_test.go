package main

import (
	"os"
	"testing"
)

// BenchmarkMain runs the workload as its binary does (N = 500), for the CPU
// profile that gc's -pgo takes: bench/gc_pgo.sh writes it to rig.pgo, which
// the gc-pgo profile (host/toolchains.yaml) builds with.
func BenchmarkMain(b *testing.B) {
	args := os.Args
	defer func() { os.Args = args }()
	os.Args = []string{"cpu-pure", "500"}
	for i := 0; i < b.N; i++ {
		main()
	}
}
