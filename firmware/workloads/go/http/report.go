package main

import (
	"sync/atomic"

	"rigworkloads/rigreport"
)

// report prints the requests served and the runtime's figures (gc_*.go).
func report() {
	rigreport.Uint("served", atomic.LoadUint64(&served), "req")
	reportGC()
}
