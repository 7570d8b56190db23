package jsonwire

import (
	"math"
	"testing"
)

var numberSeeds = []string{
	"0", "-0", "7", "-7", "120000", "90000000000", "999999999999999999", "1000000000000000000",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
	"01", "-", "-a", "1.", "1.5", "1e3", "1E+3", "0.002", "1333.33", "212.5", "-0.0",
	"123456789012345", "1234567890123456", "0.123456789012345", "1.7976931348623157e309",
	"1e-400", "12,", "12}", "", "x", "1.2.3", "00.5", "5e", "-0.000000000000001",
}

// TestNumbersAgreeWithTwoPasses holds Int64 and Float64 to Number
// followed by ParseInt or ParseFloat: same value, verdict, error and
// position.
func TestNumbersAgreeWithTwoPasses(t *testing.T) {
	for _, s := range numberSeeds {
		checkNumbers(t, s)
	}
}

func FuzzNumbers(f *testing.F) {
	for _, s := range numberSeeds {
		f.Add(s)
	}
	f.Fuzz(checkNumbers)
}

func checkNumbers(t *testing.T, s string) {
	d := []byte(s)

	one, two := NewReader(d), NewReader(d)
	n, num, ok := one.Int64()
	var wantN int64
	wantNum, wantOK := two.Number()
	if wantOK {
		wantN, wantOK = ParseInt(wantNum)
	}
	if n != wantN || ok != wantOK || string(num) != string(wantNum) || one.i != two.i || !sameErr(one.Err, two.Err) {
		t.Fatalf("Int64(%q) = %d, %q, %v at %d (err %v); two passes: %d, %q, %v at %d (err %v)",
			s, n, num, ok, one.i, one.Err, wantN, wantNum, wantOK, two.i, two.Err)
	}

	one, two = NewReader(d), NewReader(d)
	f, num, ok := one.Float64()
	var wantF float64
	wantNum, wantOK = two.Number()
	if wantOK {
		var err error
		wantF, err = ParseFloat(wantNum)
		wantOK = err == nil
		if !wantOK {
			wantF = f // the value of a failed parse is not used
		}
	}
	if math.Float64bits(f) != math.Float64bits(wantF) || ok != wantOK || string(num) != string(wantNum) || one.i != two.i || !sameErr(one.Err, two.Err) {
		t.Fatalf("Float64(%q) = %v, %q, %v at %d (err %v); two passes: %v, %q, %v at %d (err %v)",
			s, f, num, ok, one.i, one.Err, wantF, wantNum, wantOK, two.i, two.Err)
	}
}

func sameErr(a, b *Error) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
