package wl

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

// The Go defaults equal the C ones in rig_wl_table.h (RIG_WL_*_ITERS, or
// RIG_WL_*_MCU_ITERS under -tags baremetal), so the same default N gives
// the same check in both languages.
func TestItersMatchCTable(t *testing.T) {
	src, err := os.ReadFile("../../../c/rig_wl_table.h")
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]int64{
		"CPU": CPUIters, "CPU_PURE": CPUPureIters, "ALLOC": AllocIters,
	} {
		re := regexp.MustCompile(`#define RIG_WL_` + name + cMacroSuffix + `\s+(\d+)`)
		m := re.FindSubmatch(src)
		if m == nil {
			t.Fatalf("RIG_WL_%s%s not in rig_wl_table.h", name, cMacroSuffix)
		}
		want, _ := strconv.ParseInt(string(m[1]), 10, 64)
		if got != want {
			t.Errorf("%s: Go %d, C %d", name, got, want)
		}
	}
}

func TestParseCount(t *testing.T) {
	for _, c := range []struct {
		in string
		n  int64
		ok bool
	}{
		{"0", 0, true}, {"123", 123, true}, {"999999999999999999", 999999999999999999, true},
		{"", 0, false}, {"-1", 0, false}, {"+1", 0, false}, {"1x", 0, false},
		{"1 ", 0, false}, {"1000000000000000000", 0, false},
	} {
		n, ok := parseCount(c.in)
		if n != c.n || ok != c.ok {
			t.Errorf("parseCount(%q) = %d, %v; want %d, %v", c.in, n, ok, c.n, c.ok)
		}
	}
}
