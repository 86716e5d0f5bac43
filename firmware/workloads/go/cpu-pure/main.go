// cpu-pure: the cpu workload with SHA-256 written in plain Go
// (rigworkloads/internal/sha256pure) instead of crypto/sha256, whose gc
// build uses assembly. Same results and the same check as cpu for the same N.
package main

import (
	"time"

	"rigworkloads/internal/sha256pure"
	"rigworkloads/internal/wl"
	"rigworkloads/rigreport"
)

func main() {
	rigreport.Ready()
	n := wl.Iterations(wl.CPUPureIters)

	buf := make([]byte, 4096)
	wl.ChainInput(buf)
	var d [sha256pure.Size]byte
	start := wl.Nanotime()
	for k := int64(0); k < n; k++ {
		d = sha256pure.Sum256(buf)
		copy(buf[wl.ChainSlot(k):], d[:])
	}
	elapsed := time.Duration(wl.Nanotime() - start)

	rigreport.Rate("throughput", uint64(n), uint64(elapsed))
	rigreport.Int("elapsed_ns", int64(elapsed), "ns")
	rigreport.Uint("check", wl.Check(d[:]), "count")
	rigreport.Done(0)
}
