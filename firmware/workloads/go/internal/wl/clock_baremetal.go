//go:build baremetal && cortexm && qemu

package wl

// TinyGo's cortex-m-qemu runtime has no clock (its ticks() only advances in
// sleep), so on that target the workloads time themselves with SysTick, as
// rig's C firmware does (firmware/mcu/core/timebase.c): counting down from
// 2^24-1 at the core clock, 12 MHz on lm3s6965evb, each wrap counted by the
// SysTick interrupt. Under QEMU's -icount this is the board's virtual time.

import (
	"device/arm"
	"runtime/volatile"
)

const tickHz = 12000000

var wraps volatile.Register32

//export SysTick_Handler
func sysTickHandler() { wraps.Set(wraps.Get() + 1) }

func init() {
	arm.SYST.SYST_CSR.Set(0)
	arm.SYST.SYST_RVR.Set(0xffffff)
	arm.SYST.SYST_CVR.Set(0)
	arm.SYST.SYST_CSR.Set(arm.SYST_CSR_TICKINT | arm.SYST_CSR_ENABLE | arm.SYST_CSR_CLKSOURCE)
}

// Nanotime returns ns since SysTick started (virtual time under -icount).
func Nanotime() int64 {
	for {
		w1 := wraps.Get()
		c := arm.SYST.SYST_CVR.Get()
		if wraps.Get() == w1 {
			ticks := uint64(w1)<<24 + uint64(0xffffff-c)
			return int64(ticks * 1000 / (tickHz / 1000000))
		}
	}
}
