//go:build !baremetal

package rigreport

// park returns at once: hosted programs end when main returns.
func park() {}
