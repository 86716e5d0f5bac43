//go:build baremetal

package wl

// Default iteration counts on microcontrollers (TinyGo sets the baremetal
// build tag; there is no argv there): RIG_WL_*_MCU_ITERS in
// firmware/workloads/c/rig_wl_table.h, sized for 100-300 ms under QEMU.
const (
	cMacroSuffix = "_MCU_ITERS" // the C macros these match

	CPUIters     = 1000
	CPUPureIters = 1000
	AllocIters   = 20000
)
