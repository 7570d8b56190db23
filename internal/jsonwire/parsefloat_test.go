package jsonwire

import (
	"math"
	"strconv"
	"testing"
)

var floatSeeds = []string{
	"0", "-0", "1", "-1", "0.1", "0.002", "1333.33", "212.5", "123456789012345", "1234567890123456",
	"0.000000000000001", "999999999999999.9", "1e3", "1.5E-7", "-2.5e+10", "9007199254740993",
	"0.30000000000000004", "1.7976931348623157e308", "1e400", "-1e-400", "123.456000000000000",
}

// TestParseFloatAgreesWithStrconv holds the fast path to strconv: same
// value (bit for bit, -0 included) and same verdict.
func TestParseFloatAgreesWithStrconv(t *testing.T) {
	for _, s := range floatSeeds {
		checkParseFloat(t, s)
	}
}

func FuzzParseFloat(f *testing.F) {
	for _, s := range floatSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := NewReader([]byte(s))
		if c := r.Peek(); c != '-' && (c < '0' || c > '9') {
			return
		}
		if num, ok := r.Number(); ok && r.End() && len(num) == len(s) {
			checkParseFloat(t, s)
		}
	})
}

func checkParseFloat(t *testing.T, s string) {
	want, errWant := strconv.ParseFloat(s, 64)
	got, errGot := ParseFloat([]byte(s))
	if (errWant == nil) != (errGot == nil) || math.Float64bits(got) != math.Float64bits(want) {
		t.Fatalf("%q: strconv %v (%v), ParseFloat %v (%v)", s, want, errWant, got, errGot)
	}
}
