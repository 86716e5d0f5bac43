// cpu: SHA-256 (crypto/sha256) over a 4 KiB buffer, N times, each digest
// written back into the buffer so every hash depends on the one before.
// Results: throughput (ops/s, 1 op = one 4 KiB hash), elapsed_ns, check
// (first 4 bytes of the last digest; 0 when N is 0).
package main

import (
	"crypto/sha256"
	"time"

	"rigworkloads/internal/wl"
	"rigworkloads/rigreport"
)

func main() {
	rigreport.Ready()
	n := wl.Iterations(wl.CPUIters)

	buf := make([]byte, 4096)
	wl.ChainInput(buf)
	var d [sha256.Size]byte
	start := wl.Nanotime()
	for k := int64(0); k < n; k++ {
		d = sha256.Sum256(buf)
		copy(buf[wl.ChainSlot(k):], d[:])
	}
	elapsed := time.Duration(wl.Nanotime() - start)

	rigreport.Rate("throughput", uint64(n), uint64(elapsed))
	rigreport.Int("elapsed_ns", int64(elapsed), "ns")
	rigreport.Uint("check", wl.Check(d[:]), "count")
	rigreport.Done(0)
}
