package jsonwire

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// skipFast finds the end of the well-formed JSON value at d[i:] (after
// optional white space) in one tight loop, without the bookkeeping of
// error reporting. It gives up (ok false) on any problem and on nesting
// deeper than its small stack, and the caller then reads the value again
// with the Reader's careful methods, which report the problem exactly;
// so its verdict is only ever "valid, ends here" or "ask the Reader".
func skipFast(d []byte, i int) (end int, ok bool) {
	var stack [32]byte // '{' or '[' per open container
	depth := 0
value:
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	if i >= len(d) {
		return 0, false
	}
	switch c := d[i]; {
	case c == '"':
		if end := shortStr(d, i); end > 0 {
			i = end
		} else if i, _, ok = scanStr(d, i); !ok {
			return 0, false
		}
	case c == '{':
		if depth == len(stack) {
			return 0, false
		}
		stack[depth] = '{'
		depth++
		i++
		for i < len(d) && isSpace(d[i]) {
			i++
		}
		if i < len(d) && d[i] == '}' {
			i++
			depth--
			goto after
		}
		goto key
	case c == '[':
		if depth == len(stack) {
			return 0, false
		}
		stack[depth] = '['
		depth++
		i++
		for i < len(d) && isSpace(d[i]) {
			i++
		}
		if i < len(d) && d[i] == ']' {
			i++
			depth--
			goto after
		}
		goto value
	case c == '-' || (c >= '0' && c <= '9'):
		if i, ok = skipNum(d, i); !ok {
			return 0, false
		}
	case c == 't':
		if !hasLit(d, i, "true") {
			return 0, false
		}
		i += 4
	case c == 'f':
		if !hasLit(d, i, "false") {
			return 0, false
		}
		i += 5
	case c == 'n':
		if !hasLit(d, i, "null") {
			return 0, false
		}
		i += 4
	default:
		return 0, false
	}
after:
	if depth == 0 {
		return i, true
	}
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	if i >= len(d) {
		return 0, false
	}
	switch d[i] {
	case ',':
		i++
		if stack[depth-1] == '{' {
			goto key
		}
		goto value
	case '}', ']':
		if (d[i] == '}') != (stack[depth-1] == '{') {
			return 0, false
		}
		i++
		depth--
		goto after
	}
	return 0, false
key:
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	if i >= len(d) || d[i] != '"' {
		return 0, false
	}
	if end := shortStr(d, i); end > 0 {
		i = end
	} else if i, _, ok = scanStr(d, i); !ok {
		return 0, false
	}
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	if i >= len(d) || d[i] != ':' {
		return 0, false
	}
	i++
	goto value
}

// shortStr is scanStr's usual case, small enough to be inlined: a string
// at d[i] == '"' of at most 8 plain bytes other than ' ' and '!', whose
// closing quote is in the nine bytes after the opening one. It returns
// the offset past it, or 0 when the string is not of that kind (or too
// near the end of d), for scanStr to read.
func shortStr(d []byte, i int) int {
	if i+10 > len(d) {
		return 0
	}
	// The high bit of the first byte below 0x23 (controls, ' ', '!' and
	// '"'), equal to '\\' or not ASCII, as in plainMask; j is that byte,
	// or the ninth when there is none in the eight.
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	x := binary.LittleEndian.Uint64(d[i+1:])
	backslash := x ^ (ones * '\\')
	m := ((x-ones*0x23)&^x | (backslash-ones)&^backslash | x) & highs
	if j := i + 1 + bits.TrailingZeros64(m)>>3; d[j] == '"' {
		return j + 1
	}
	return 0
}

// scanStr returns the offset past the well-formed string of valid UTF-8
// at d[i] == '"', whether it has an escape, and true; or the offset of
// the first problem (a control character, a bad escape, invalid UTF-8, or
// len(d) for a string cut short) and false. It is the one string scanner
// of the package.
func scanStr(d []byte, i int) (end int, escaped, ok bool) {
	i++
	for {
		// The common case: printable ASCII other than '"' and '\\', eight
		// bytes at a time, then one at a time.
		for i+8 <= len(d) {
			n := plainBytes(binary.LittleEndian.Uint64(d[i:]))
			i += n
			if n < 8 {
				if d[i] == '"' { // the usual end
					return i + 1, escaped, true
				}
				break
			}
		}
		for i < len(d) && plain[d[i]] {
			i++
		}
		if i >= len(d) {
			return i, escaped, false
		}
		switch c := d[i]; {
		case c == '"':
			return i + 1, escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(d) {
				return i, escaped, false
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || !isHex(d[i+2]) || !isHex(d[i+3]) || !isHex(d[i+4]) || !isHex(d[i+5]) {
					return i, escaped, false
				}
				i += 6
			default:
				return i, escaped, false
			}
		case c < 0x20:
			return i, escaped, false
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				return i, escaped, false
			}
			i += size
		}
	}
}

// skipNum returns the offset past the well-formed number at d[i].
func skipNum(d []byte, i int) (int, bool) {
	if d[i] == '-' {
		i++
	}
	switch {
	case i >= len(d):
		return 0, false
	case d[i] == '0':
		i++
	case d[i] >= '1' && d[i] <= '9':
		i = digits(d, i)
	default:
		return 0, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || !isDigit(d[i]) {
			return 0, false
		}
		i = digits(d, i)
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			return 0, false
		}
		i = digits(d, i)
	}
	return i, true
}

func hasLit(d []byte, i int, lit string) bool {
	return len(d)-i >= len(lit) && string(d[i:i+len(lit)]) == lit
}

func isSpace(c byte) bool { return c <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\r') }

// SkipUnchecked is Skip for a container ('{' or '[') whose content the
// caller reads again in full afterwards: it finds the matching close
// bracket, stepping over strings and their escapes, and checks nothing
// else. On well-formed input it returns what Skip returns, in about a
// third of the time; on any other input its span means nothing, so the
// caller must treat a later failure as "read it again with Skip". It
// fails (nil, with r.Err set) when the brackets do not close.
func (r *Reader) SkipUnchecked() []byte {
	start := r.skipSpace()
	if r.Err != nil {
		return nil
	}
	d := r.data
	depth := 0
	for i := start; i < len(d); i++ {
		switch d[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				r.i = i + 1
				return d[start : i+1]
			}
		case '"':
			for i++; i < len(d) && d[i] != '"'; i++ {
				if d[i] == '\\' {
					i++
				}
			}
		}
		if depth == 0 {
			break // not a container
		}
	}
	r.fail(start, "unchecked value does not close")
	return nil
}
