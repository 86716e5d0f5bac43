// Package rigreport prints rig's report lines (docs/protocol.md, "Report
// lines"), byte for byte as firmware/protocol/rig_report.c writes them:
//
//	@rig ready*<crc>
//	@rig result NAME VALUE UNIT*<crc>
//	@rig done STATUS*<crc>
//
// where <crc> is the CRC-32 (IEEE) of every byte from '@' up to '*', as 8
// lowercase hex digits, and each line ends with '\n'.
//
// It builds with gc, gccgo (Go 1.18 language and library) and TinyGo, so it
// uses neither fmt nor reflection: strconv and hash/crc32 only. Each line is
// one Write to os.Stdout, so lines from one program never interleave with
// each other mid-line.
package rigreport

import (
	"errors"
	"hash/crc32"
	"os"
	"strconv"
)

// Field limits, as in rig_report.h.
const (
	MaxLine  = 160 // longest valid line, without '\n'
	MaxName  = 40
	MaxValue = 32
	MaxUnit  = 16
)

// ErrField is returned when a name, value or unit is outside the grammar.
var ErrField = errors.New("rigreport: invalid field")

func isNameChar(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '.' || c == '-'
}

func isUnitChar(c byte) bool {
	return isNameChar(c) || c == '/' || c == '%'
}

func validToken(s string, max int, ok func(byte) bool) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// validValue: -?[0-9]+(\.[0-9]+)?, at most MaxValue bytes.
func validValue(s string) bool {
	n := len(s)
	if n == 0 || n > MaxValue {
		return false
	}
	i := 0
	if s[i] == '-' {
		i++
	}
	d := 0
	for ; i < n && s[i] >= '0' && s[i] <= '9'; i++ {
		d++
	}
	if d == 0 {
		return false
	}
	if i < n && s[i] == '.' {
		i++
		d = 0
		for ; i < n && s[i] >= '0' && s[i] <= '9'; i++ {
			d++
		}
		if d == 0 {
			return false
		}
	}
	return i == n
}

const hexDigits = "0123456789abcdef"

// seal appends "*<crc>\n" to the body in b.
func seal(b []byte) []byte {
	crc := crc32.ChecksumIEEE(b)
	b = append(b, '*')
	for i := 7; i >= 0; i-- {
		b = append(b, hexDigits[(crc>>(4*uint(i)))&0xf])
	}
	return append(b, '\n')
}

// FormatReady returns the ready line, '\n' included.
func FormatReady() []byte {
	b := make([]byte, 0, 24)
	return seal(append(b, "@rig ready"...))
}

// FormatDone returns the done line for status (0 = ok). The status is a C
// int on the other side: it is taken as an int32, as a C cast would.
func FormatDone(status int) []byte {
	b := make([]byte, 0, 32)
	b = append(b, "@rig done "...)
	b = strconv.AppendInt(b, int64(int32(status)), 10)
	return seal(b)
}

// FormatResult returns a result line with value as given (decimal text),
// or ErrField.
func FormatResult(name, value, unit string) ([]byte, error) {
	if !validToken(name, MaxName, isNameChar) || !validValue(value) ||
		!validToken(unit, MaxUnit, isUnitChar) {
		return nil, ErrField
	}
	b := make([]byte, 0, MaxLine+1)
	b = append(b, "@rig result "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, value...)
	b = append(b, ' ')
	b = append(b, unit...)
	return seal(b), nil
}

// FormatInt returns a result line with a signed integer value.
func FormatInt(name string, value int64, unit string) ([]byte, error) {
	return FormatResult(name, strconv.FormatInt(value, 10), unit)
}

// FormatUint returns a result line with an unsigned integer value.
func FormatUint(name string, value uint64, unit string) ([]byte, error) {
	return FormatResult(name, strconv.FormatUint(value, 10), unit)
}

// RatioText returns num/den with decimals (0..9) digits after the point,
// truncated, exactly as rig_report_format_result_ratio prints it; ok is
// false for den == 0 or decimals > 9.
func RatioText(num, den uint64, decimals uint) (string, bool) {
	if den == 0 || decimals > 9 {
		return "", false
	}
	b := make([]byte, 0, MaxValue)
	b = strconv.AppendUint(b, num/den, 10)
	if decimals > 0 {
		b = append(b, '.')
	}
	rem := num % den
	for i := uint(0); i < decimals; i++ {
		var digit uint64
		if rem <= ^uint64(0)/10 {
			digit = rem * 10 / den
			rem = rem * 10 % den
		} else {
			// rem*10 would overflow: ten additions reduced modulo den
			var r uint64
			for k := 0; k < 10; k++ {
				if rem >= den-r {
					r = rem - (den - r)
					digit++
				} else {
					r += rem
				}
			}
			rem = r
		}
		b = append(b, byte('0'+digit))
	}
	return string(b), true
}

// FormatRatio returns a result line whose value is num/den with decimals
// digits after the point (see RatioText).
func FormatRatio(name string, num, den uint64, decimals uint, unit string) ([]byte, error) {
	v, ok := RatioText(num, den, decimals)
	if !ok {
		return nil, ErrField
	}
	return FormatResult(name, v, unit)
}

// RateText is ops per second from ops and an elapsed time in nanoseconds,
// with 3 decimals, as rig_wl_result_rate computes it: exact while
// ops*1e9 fits 64 bits, else from whole seconds. A zero elapsed time counts
// as 1 ns (a clock too coarse to see the work).
func RateText(ops uint64, elapsedNs uint64) string {
	if elapsedNs == 0 {
		elapsedNs = 1
	}
	var v string
	if ops <= ^uint64(0)/1000000000 {
		v, _ = RatioText(ops*1000000000, elapsedNs, 3)
	} else {
		s := elapsedNs / 1000000000
		if s == 0 {
			s = 1
		}
		v, _ = RatioText(ops, s, 3)
	}
	return v
}

func write(b []byte) error {
	_, err := os.Stdout.Write(b)
	return err
}

// Ready prints the ready line: the program is up, startup ends here. A
// workload calls it as the first thing in main.
func Ready() error { return write(FormatReady()) }

// Done prints the done line; status 0 means the workload succeeded.
// On a microcontroller (TinyGo's baremetal tag) Done does not return: the
// image waits for the board's next reset instead of ending the emulator
// through semihosting, so a sample is a reset, not a QEMU restart.
func Done(status int) error {
	for _, f := range onDone {
		f()
	}
	err := write(FormatDone(status))
	park()
	return err
}

var onDone []func()

// OnDone registers f to run at the start of Done, before the done line:
// f may print result lines of its own (internal/wl prints the stack and
// heap high-water on microcontrollers). Call it from an init function.
func OnDone(f func()) { onDone = append(onDone, f) }

// Result prints a result line with value given as decimal text.
func Result(name, value, unit string) error {
	b, err := FormatResult(name, value, unit)
	if err != nil {
		return err
	}
	return write(b)
}

// Int prints a result line with a signed integer value.
func Int(name string, value int64, unit string) error {
	return Result(name, strconv.FormatInt(value, 10), unit)
}

// Uint prints a result line with an unsigned integer value.
func Uint(name string, value uint64, unit string) error {
	return Result(name, strconv.FormatUint(value, 10), unit)
}

// Ratio prints a result line whose value is num/den with decimals digits.
func Ratio(name string, num, den uint64, decimals uint, unit string) error {
	b, err := FormatRatio(name, num, den, decimals, unit)
	if err != nil {
		return err
	}
	return write(b)
}

// Rate prints a throughput result in "ops/s" (see RateText).
func Rate(name string, ops uint64, elapsedNs uint64) error {
	return Result(name, RateText(ops, elapsedNs), "ops/s")
}
