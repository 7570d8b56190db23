package jsonwire

import (
	"math"
	"slices"
	"strconv"
)

// Kind names the kind of the one JSON value in data ("object", "array",
// "string", "number", "boolean", "null"), or "invalid JSON" when data is
// not exactly one well-formed value of valid UTF-8. It reads data once.
func Kind(data []byte) string {
	r := NewReader(data)
	c := r.Peek()
	if r.Skip() == nil || !r.End() {
		return "invalid JSON"
	}
	return KindOf(c)
}

// KindOf names the kind of the JSON value that starts with byte c.
func KindOf(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}

// AppendFloat appends f as encoding/json formats a float64: like ES6,
// the shortest decimal that round-trips, in exponent form only for very
// large or very small magnitudes. f must be finite.
func AppendFloat(b []byte, f float64) []byte {
	if out, ok := appendShortDecimal(b, f); ok {
		return out
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendShortDecimal is the fast path of AppendFloat, the mirror of
// ParseFloat's: it appends f when f is the float64 nearest to a decimal D
// of at most 15 significant digits, with 1e-6 <= |f| < 1e15, and reports
// whether it did. D is then the shortest decimal that reads back as f, so
// it is what strconv writes: two decimals of at most 15 significant digits
// in the same decade are at least 10^(e-14) apart, farther than the
// 2^-52·10^(e+1) between neighbouring float64s, so no other such decimal
// reads back as f. A candidate m·10^-k (m < 10^15, k <= 15) is checked
// exactly: m and 10^k are exact in a float64, and their quotient is
// correctly rounded, as ParseFloat rounds D.
func appendShortDecimal(b []byte, f float64) ([]byte, bool) {
	neg := f < 0
	if neg {
		f = -f
	}
	if !(f >= 1e-6 && f < 1e15) { // also NaN, and both zeros (0 and -0)
		return b, false
	}
	for k := 0; k < len(pow10); k++ {
		s := f * pow10[k]
		if s >= 1e15 {
			return b, false
		}
		m := float64(int64(s + 0.5)) // s rounded, half up: s < 1e15 fits
		// s is f·10^k within a relative 2^-52 or so, so a D with k
		// decimals leaves s that close to the integer m; the cheap test
		// skips the exact one (a division) for the k that are far off.
		// (Any m that passes the exact test is D, whatever rounding
		// found it: D is unique.)
		if d, tol := s-m, s*1e-9; d > tol || d < -tol || m/pow10[k] != f {
			continue
		}
		u := uint64(m)
		for k > 0 && u%10 == 0 { // the same D with fewer digits
			u /= 10
			k--
		}
		if neg {
			b = append(b, '-')
		}
		// u's digits with a point k from the right, and zeros before them
		// when u has no more than k digits (2 and k 3 are "0.002"),
		// written in place from the end, two at a time.
		size := max(decimalLen(u)-k, 1)
		if k > 0 {
			size += k + 1
		}
		b = slices.Grow(b, size)
		b = b[:len(b)+size]
		i := len(b)
		for n := k; n >= 2; n -= 2 {
			q := u / 100
			i -= 2
			b[i], b[i+1] = pairs[2*(u-q*100)], pairs[2*(u-q*100)+1]
			u = q
		}
		if k%2 == 1 {
			q := u / 10
			i--
			b[i] = byte('0' + u - q*10)
			u = q
		}
		if k > 0 {
			i--
			b[i] = '.'
		}
		putUint(b, i, u)
		return b, true
	}
	return b, false
}

// ParseFloat parses a JSON number that a [Reader] has checked as
// strconv.ParseFloat(s, 64) does, with a fast path for short decimals:
// up to 15 significant digits and no exponent are exact in a float64, and
// one division by an exact power of ten rounds correctly, so the result
// is the same.
func ParseFloat(b []byte) (float64, error) {
	neg := b[0] == '-'
	i := 0
	if neg {
		i = 1
	}
	var m uint64
	digits, frac := 0, -1
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0:
			frac = 0
		default: // an exponent
			return strconv.ParseFloat(string(b), 64)
		}
	}
	if digits > 15 {
		return strconv.ParseFloat(string(b), 64)
	}
	return shortDecimal(m, frac, neg), nil
}

// shortDecimal is the value of the decimal m·10^-frac (negated when
// neg), for m of at most 15 digits and frac of at most 15: m and the power
// of ten are exact in a float64, so the one division rounds correctly.
func shortDecimal(m uint64, frac int, neg bool) float64 {
	f := float64(m)
	if frac > 0 {
		f /= pow10[frac]
	}
	if neg {
		f = -f
	}
	return f
}

// pow10 holds the powers of ten that a float64 holds exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// ParseInt parses a JSON number that a [Reader] has checked as an int64,
// as encoding/json does: it must be integral (no fraction or exponent)
// and in range.
func ParseInt(b []byte) (int64, bool) {
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > 1<<63-1 {
		return 0, false
	}
	return int64(u), true
}
