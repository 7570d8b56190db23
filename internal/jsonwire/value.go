package jsonwire

import (
	"math"
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
