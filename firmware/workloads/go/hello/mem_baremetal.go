//go:build baremetal && cortexm

package main

// On a Cortex-M, hello reports its stack and heap high-water as the other
// workloads do (internal/wl/mem_baremetal.go reports them before the done
// line), so its RAM row is static + stack + heap like the C firmware's
// hello. Hosted builds of hello do not import wl and stay the smallest
// program that prints ready and done.
import _ "rigworkloads/internal/wl"
