package sha256pure

import (
	"crypto/sha256"
	"testing"
)

// Against crypto/sha256 for every length around the padding boundaries.
func TestSum256MatchesCryptoSHA256(t *testing.T) {
	data := make([]byte, 300)
	for i := range data {
		data[i] = byte(i*7 + 3)
	}
	for n := 0; n <= len(data); n++ {
		if got, want := Sum256(data[:n]), sha256.Sum256(data[:n]); got != want {
			t.Fatalf("length %d: got %x, want %x", n, got, want)
		}
	}
}

// FIPS 180-4 example "abc".
func TestSum256ABC(t *testing.T) {
	want := [Size]byte{
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	}
	if got := Sum256([]byte("abc")); got != want {
		t.Fatalf("got %x", got)
	}
}

func BenchmarkSum256_4K(b *testing.B) {
	data := make([]byte, 4096)
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		Sum256(data)
	}
}
