//go:build tinygo

package main

import (
	"runtime"

	"rigworkloads/rigreport"
)

// reportGC: TinyGo's MemStats has no pause times; the heap it holds only.
func reportGC() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	rigreport.Uint("heap_sys_kib", m.HeapSys/1024, "KiB")
}
