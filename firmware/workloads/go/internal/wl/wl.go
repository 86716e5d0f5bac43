// Package wl holds what rig's Go workloads share: the iteration count from
// the command line and the chained SHA-256 loop's fixed input, both defined
// identically in the C twins (firmware/workloads/c).
package wl

import (
	"os"

	"rigworkloads/rigreport"
)

// Iterations returns argv[1] as the iteration count, or def when there is no
// argument (as on a microcontroller). On a malformed count it prints
// "done 2" and exits 2: the ready line has been printed already, so the host
// sees a failed run rather than a hang.
func Iterations(def int64) int64 {
	if len(os.Args) < 2 {
		return def
	}
	n, ok := parseCount(os.Args[1])
	if !ok {
		os.Stderr.Write([]byte("usage: " + os.Args[0] + " [ITERATIONS >= 0]\n"))
		rigreport.Done(2)
		os.Exit(2)
	}
	return n
}

// parseCount: decimal digits only, at most 18 of them (no overflow).
func parseCount(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}

// ChainInput fills buf (4096 bytes) with the starting content of the
// chained-hash workloads: byte i is (i*131 + 7) mod 256.
func ChainInput(buf []byte) {
	for i := range buf {
		buf[i] = byte(i*131 + 7)
	}
}

// ChainSlot is where iteration k writes its digest back into the buffer.
func ChainSlot(k int64) int { return int(k%128) * 32 }

// Check is the first 4 bytes of a digest as a big-endian unsigned integer.
func Check(d []byte) uint64 {
	return uint64(d[0])<<24 | uint64(d[1])<<16 | uint64(d[2])<<8 | uint64(d[3])
}
