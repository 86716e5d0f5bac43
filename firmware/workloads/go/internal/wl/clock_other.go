//go:build !(baremetal && cortexm && qemu)

package wl

import "time"

var epoch = time.Now()

// Nanotime returns ns since the program started, from the monotonic clock.
func Nanotime() int64 { return int64(time.Since(epoch)) }
