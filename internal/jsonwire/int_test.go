package jsonwire

import (
	"math"
	"strconv"
	"testing"
)

var intSeeds = []int64{0, 1, -1, 9, 10, 99, 100, 240, 120000, 90000000000, 999999999999999999,
	1000000000000000000, math.MaxInt64, math.MinInt64, math.MinInt64 + 1, -10, -100}

// TestAppendIntAgreesWithStrconv checks every power of ten and its
// neighbours, both signs, and the seeds, appended to a prefix.
func TestAppendIntAgreesWithStrconv(t *testing.T) {
	values := intSeeds
	for p := int64(1); p <= math.MaxInt64/10; p *= 10 {
		values = append(values, p-1, p, p+1, -p+1, -p, -p-1)
	}
	for _, v := range values {
		checkAppendInt(t, v)
	}
}

func FuzzAppendInt(f *testing.F) {
	for _, v := range intSeeds {
		f.Add(v)
	}
	f.Fuzz(checkAppendInt)
}

func checkAppendInt(t *testing.T, v int64) {
	for _, prefix := range []string{"", `"x":`} {
		want := strconv.AppendInt([]byte(prefix), v, 10)
		if got := AppendInt([]byte(prefix), v); string(got) != string(want) {
			t.Fatalf("AppendInt(%q, %d) = %q, want %q", prefix, v, got, want)
		}
		if got := AppendInt(make([]byte, len(prefix), 64), v)[len(prefix):]; string(got) != string(want[len(prefix):]) {
			t.Fatalf("AppendInt with room, %d = %q, want %q", v, got, want[len(prefix):])
		}
	}
}
