package rigreport

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

// vectorsPath is the C writer's output: testdata/vectors.tsv as committed,
// or a fresh one from RIG_REPORT_VECTORS (the ctest go/rigreport-vectors
// regenerates it with testdata/gen_vectors.c and the current rig_report.c).
func vectorsPath() string {
	if p := os.Getenv("RIG_REPORT_VECTORS"); p != "" {
		return p
	}
	return "testdata/vectors.tsv"
}

func line(b []byte, err error) string {
	if err != nil {
		return "-"
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return "missing newline: " + string(b)
	}
	return string(b[:len(b)-1])
}

func u64(t *testing.T, s string) uint64 {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Every case the C writers printed gives the same bytes from Go.
func TestMatchesCWriterVectors(t *testing.T) {
	f, err := os.Open(vectorsPath())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	cases := 0
	for sc.Scan() {
		fs := strings.Split(sc.Text(), "\t")
		want := fs[len(fs)-1]
		var got string
		switch fs[0] {
		case "ready":
			got = line(FormatReady(), nil)
		case "done":
			st, err := strconv.Atoi(fs[1])
			if err != nil {
				t.Fatal(err)
			}
			got = line(FormatDone(st), nil)
		case "result":
			got = line(FormatResult(fs[1], fs[2], fs[3]))
		case "i64":
			v, err := strconv.ParseInt(fs[2], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			got = line(FormatInt(fs[1], v, fs[3]))
		case "ratio":
			got = line(FormatRatio(fs[1], u64(t, fs[2]), u64(t, fs[3]), uint(u64(t, fs[4])), fs[5]))
		case "rate":
			got = RateText(u64(t, fs[1]), u64(t, fs[2]))
		default:
			t.Fatalf("unknown vector kind %q", fs[0])
		}
		if got != want {
			t.Errorf("%s:\n got %q\nwant %q", sc.Text(), got, want)
		}
		cases++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cases < 40 {
		t.Fatalf("only %d vectors in %s", cases, vectorsPath())
	}
}

// The CRC is hash/crc32's IEEE polynomial: check value of "123456789".
func TestKnownLine(t *testing.T) {
	if got := string(FormatReady()); got != "@rig ready*cbcb3afa\n" {
		t.Fatalf("got %q", got)
	}
	b, err := FormatUint("check", 3735928559, "count")
	if err != nil || string(b) != "@rig result check 3735928559 count*e0ba7202\n" {
		t.Fatalf("got %q, %v", b, err)
	}
}

// Ready, a result and Done reach os.Stdout as whole lines, in order.
func TestPrintersWriteToStdout(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	e1 := Ready()
	e2 := Rate("throughput", 100000, 250000000)
	e3 := Uint("check", 7, "count")
	e4 := Int("bad name", 1, "x")
	e5 := Done(0)
	os.Stdout = saved
	w.Close()
	out, _ := io.ReadAll(r)
	if e1 != nil || e2 != nil || e3 != nil || e5 != nil {
		t.Fatalf("errors: %v %v %v %v", e1, e2, e3, e5)
	}
	if e4 != ErrField {
		t.Fatalf("invalid name: got %v, want ErrField", e4)
	}
	want := "@rig ready*cbcb3afa\n" +
		line(FormatResult("throughput", "400000.000", "ops/s")) + "\n" +
		line(FormatUint("check", 7, "count")) + "\n" +
		"@rig done 0*049f6a42\n"
	if string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
}
