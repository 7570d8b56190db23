package jsonwire

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// TestWordScanners checks plainBytes and htmlSafeBytes against a byte at a
// time reading of the same tables: every byte value at every position,
// after bytes that pass and before random ones (where a borrow of the bit
// tricks could flag a wrong byte).
func TestWordScanners(t *testing.T) {
	isHTMLSafe := func(c byte) bool { return c < utf8.RuneSelf && htmlSafe[c] }
	scanners := []struct {
		name string
		word func(uint64) int
		pass func(byte) bool
	}{
		{"plainBytes", plainBytes, func(c byte) bool { return plain[c] }},
		{"htmlSafeBytes", htmlSafeBytes, isHTMLSafe},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sc := range scanners {
		var passing []byte
		for c := 0; c < 256; c++ {
			if sc.pass(byte(c)) {
				passing = append(passing, byte(c))
			}
		}
		for pos := 0; pos < 8; pos++ {
			for c := 0; c < 256; c++ {
				for round := 0; round < 16; round++ {
					var w [8]byte
					for k := range w {
						if k < pos {
							w[k] = passing[rng.IntN(len(passing))]
						} else {
							w[k] = byte(rng.Uint32())
						}
					}
					w[pos] = byte(c)
					want := 0
					for want < 8 && sc.pass(w[want]) {
						want++
					}
					if got := sc.word(binary.LittleEndian.Uint64(w[:])); got != want {
						t.Fatalf("%s(% x) = %d, want %d", sc.name, w, got, want)
					}
				}
			}
		}
		var all [8]byte
		for k := range all {
			all[k] = passing[k*7%len(passing)]
		}
		if got := sc.word(binary.LittleEndian.Uint64(all[:])); got != 8 {
			t.Errorf("%s(% x) = %d, want 8", sc.name, all, got)
		}
	}
}

func TestStringWord(t *testing.T) {
	s := "ab\x00\xff01234567"
	for i := 0; i+8 <= len(s); i++ {
		if got, want := stringWord(s, i), binary.LittleEndian.Uint64([]byte(s[i:])); got != want {
			t.Errorf("stringWord(%q, %d) = %#x, want %#x", s, i, got, want)
		}
	}
}

// TestShortStrAgreesWithScanStr checks that shortStr, when it answers,
// answers as scanStr does, over every string of up to 5 bytes of an
// alphabet of plain, special and non-ASCII bytes, padded to every length
// around the nine bytes it reads.
func TestShortStrAgreesWithScanStr(t *testing.T) {
	alphabet := []byte{'a', ' ', '!', '"', '\\', 0x01, 0xc3, 0xa9, '#'}
	var answered int
	var walk func(s []byte)
	walk = func(s []byte) {
		for pad := 0; pad <= 10; pad++ {
			d := append(append([]byte{'"'}, s...), make([]byte, pad)...)
			for k := len(s) + 1; k < len(d); k++ {
				d[k] = 'x'
			}
			if end := shortStr(d, 0); end > 0 {
				answered++
				want, _, ok := scanStr(d, 0)
				if !ok || want != end {
					t.Fatalf("shortStr(%q) = %d; scanStr: %d, %v", d, end, want, ok)
				}
			}
		}
		if len(s) < 5 {
			for _, c := range alphabet {
				walk(append(s, c))
			}
		}
	}
	walk(nil)
	if answered == 0 {
		t.Fatal("shortStr never answered")
	}
}
