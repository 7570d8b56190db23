package jsonwire

import (
	"math/bits"
	"slices"
)

// AppendInt appends the decimal form of v, as strconv.AppendInt(b, v, 10)
// does, writing the digits in place, two at a time, instead of into a
// buffer that is then copied.
func AppendInt(b []byte, v int64) []byte {
	u := uint64(v)
	if v < 0 {
		b = append(b, '-')
		u = -u // two's complement: also right for math.MinInt64
	}
	n := decimalLen(u)
	b = slices.Grow(b, n)
	b = b[:len(b)+n]
	putUint(b, len(b), u)
	return b
}

// putUint writes the decimal digits of u (at least one) to end at b[i],
// two at a time, and returns where they start.
func putUint(b []byte, i int, u uint64) int {
	for u >= 100 {
		q := u / 100
		r := u - q*100
		i -= 2
		b[i], b[i+1] = pairs[2*r], pairs[2*r+1]
		u = q
	}
	if u >= 10 {
		i -= 2
		b[i], b[i+1] = pairs[2*u], pairs[2*u+1]
		return i
	}
	i--
	b[i] = byte('0' + u)
	return i
}

// decimalLen returns the number of decimal digits of u (1 for 0).
func decimalLen(u uint64) int {
	// log10(2) is about 1233/4096: t is ⌊log10 u⌋ or one more.
	t := bits.Len64(u|1) * 1233 >> 12
	if u < powersOf10[t] {
		return max(t, 1)
	}
	return t + 1
}

// powersOf10 holds 10^0 to 10^19.
var powersOf10 = [20]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}
