//go:build !tinygo

package main

import (
	"runtime"

	"rigworkloads/rigreport"
)

// reportGC prints the collector's work over the whole run: cycles, total
// stop-the-world pause, and the heap the runtime holds from the OS.
func reportGC() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	rigreport.Uint("gc_cycles", uint64(m.NumGC), "count")
	rigreport.Uint("gc_pause_ns", m.PauseTotalNs, "ns")
	rigreport.Uint("heap_sys_kib", m.HeapSys/1024, "KiB")
}
