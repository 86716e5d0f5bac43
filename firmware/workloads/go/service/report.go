package main

import (
	"runtime"
	"sync/atomic"

	"rigworkloads/rigreport"
)

// report prints the requests served and the collector's work over the run.
func report() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	rigreport.Uint("served", atomic.LoadUint64(&served), "req")
	rigreport.Uint("gc_cycles", uint64(m.NumGC), "count")
	rigreport.Uint("gc_pause_ns", m.PauseTotalNs, "ns")
	rigreport.Uint("heap_sys_kib", m.HeapSys/1024, "KiB")
}
