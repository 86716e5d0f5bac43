//go:build !tinygo

package main

import (
	"runtime"

	"rigworkloads/rigreport"
)

// reportMemStats prints what gc's and gccgo's runtimes both fill in.
func reportMemStats() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	// PauseNs is a ring of the last 256 pauses; older ones are gone, so
	// the maximum is over those that are still there.
	var max uint64
	count := int(m.NumGC)
	if count > len(m.PauseNs) {
		count = len(m.PauseNs)
	}
	for i := 0; i < count; i++ {
		if m.PauseNs[i] > max {
			max = m.PauseNs[i]
		}
	}
	rigreport.Uint("gc_count", uint64(m.NumGC), "count")
	rigreport.Uint("gc_pause_total_ns", m.PauseTotalNs, "ns")
	rigreport.Uint("gc_pause_max_ns", max, "ns")
	rigreport.Uint("heap_sys_bytes", m.HeapSys, "bytes")
}
