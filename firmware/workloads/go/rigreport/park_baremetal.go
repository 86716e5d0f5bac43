//go:build baremetal

package rigreport

// park blocks forever (TinyGo's scheduler waits for events with WFE) until
// the board is reset.
func park() { select {} }
