//go:build !baremetal

package wl

// Default iteration counts, the same numbers as RIG_WL_*_ITERS in
// firmware/workloads/c/rig_wl_table.h, sized for 100-300 ms with gc on an
// x86-64 server core. cpu and cpu-pure differ (crypto/sha256 uses SHA-NI
// assembly there), so compare their check values at one explicit N.
const (
	cMacroSuffix = "_ITERS" // the C macros these match

	CPUIters     = 100000
	CPUPureIters = 8000
	AllocIters   = 200000
)
