//go:build tinygo

package main

import (
	"runtime"

	"rigworkloads/rigreport"
)

// reportMemStats prints what TinyGo's runtime provides: its MemStats has
// HeapSys in every release, but no pause times, and NumGC only in recent
// releases, so gc_count and the pause results are left out rather than
// reported as zero.
func reportMemStats() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	rigreport.Uint("heap_sys_bytes", m.HeapSys, "bytes")
}
